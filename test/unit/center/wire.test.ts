import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fenToYuan, yuanToFen } from '../../../electron/api/money';
import { formatMsgId, msgStamp, nextMsgIdState, type MsgIdState } from '../../../electron/center/wire/msgid';
import { classifyResponse } from '../../../electron/center/wire/envelope';
import { amountsFromWire, amountsToWire, type SettlementAmounts } from '../../../electron/center/wire/settlement';
import { personFromOutput, personOutputSchema } from '../../../electron/center/wire/person';

describe('money on the wire', () => {
  it('converts fen to yuan strings exactly', () => {
    expect(fenToYuan(2344246)).toBe('23442.46');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(-1205)).toBe('-12.05');
  });
  it('round-trips every safe amount', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => yuanToFen(fenToYuan(fen)) === fen));
  });
  it('refuses anything but a two-place decimal string', () => {
    for (const bad of ['12', '12.3', '12.345', '1e3', ' 1.00', '1.00 ', '', 'abc', '--1.00', '0x10.00']) {
      expect(() => yuanToFen(bad), bad).toThrowError(expect.objectContaining({ code: 'MONEY_INVALID' }));
    }
    expect(() => yuanToFen(12 as unknown as string)).toThrowError(expect.objectContaining({ code: 'MONEY_INVALID' }));
    expect(() => fenToYuan(1.5)).toThrowError(expect.objectContaining({ code: 'MONEY_INVALID' }));
  });
});

describe('message ids', () => {
  const t0 = new Date('2026-03-15T01:02:03Z'); // 09:02:03 China time
  it('are institution (12) + China-time stamp (14) + terminal (2) + counter (2)', () => {
    const s = nextMsgIdState({ stamp: '', seq: 0 }, t0, '07');
    expect(s).toEqual({ stamp: '20260315090203', seq: 700 });
    const id = formatMsgId('H99010000001', s);
    expect(id).toBe('H99010000001202603150902030700');
    expect(id).toHaveLength(30);
    expect(formatMsgId('1234', s).slice(0, 12)).toBe('000000001234');
    expect(formatMsgId('H1', nextMsgIdState({ stamp: '', seq: 0 }, t0, '00')).slice(-4)).toBe('0000');
    expect(formatMsgId('H1', nextMsgIdState({ stamp: '', seq: 0 }, t0, '99')).slice(-4)).toBe('9900');
  });
  it('refuse a terminal number that is not two digits', () => {
    for (const bad of ['', '7', '100', 'a1', ' 1']) expect(() => nextMsgIdState({ stamp: '', seq: 0 }, t0, bad), bad).toThrow(RangeError);
  });
  it('continue the counter within a second and when the clock moves backwards', () => {
    let s: MsgIdState = nextMsgIdState({ stamp: '', seq: 0 }, t0, '03');
    s = nextMsgIdState(s, t0, '03');
    expect(s.seq).toBe(301);
    s = nextMsgIdState(s, new Date(t0.getTime() - 3600_000), '03');
    expect(s).toEqual({ stamp: '20260315090203', seq: 302 });
  });
  it('move the stamp one second on after 100 ids of one terminal in one second', () => {
    const s = nextMsgIdState({ stamp: '20261231235959', seq: 1299 }, new Date('2026-12-31T15:59:59Z'), '12');
    expect(s).toEqual({ stamp: '20270101000000', seq: 1200 });
  });
  it('move the stamp on when the last id was not this terminal\'s (number changed, or an id from before terminal numbers)', () => {
    // Old-style ids 1..150 were made in this second: 0100..0150 must not be made again by terminal 01.
    expect(nextMsgIdState({ stamp: '20260315090203', seq: 150 }, t0, '01')).toEqual({ stamp: '20260315090203', seq: 151 });
    expect(nextMsgIdState({ stamp: '20260315090203', seq: 150 }, t0, '05')).toEqual({ stamp: '20260315090204', seq: 500 });
    expect(nextMsgIdState({ stamp: '20260315090203', seq: 999 }, t0, '00')).toEqual({ stamp: '20260315090204', seq: 0 });
  });
  it('stay strictly increasing for any sequence of clock readings and terminal changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 0, max: 99 })), { minLength: 1, maxLength: 300 }),
        (steps) => {
          let s: MsgIdState = { stamp: '', seq: 0 };
          let prev = '';
          for (const [t, terminal] of steps) {
            s = nextMsgIdState(s, new Date(t), String(terminal).padStart(2, '0'));
            const id = formatMsgId('H1', s);
            if (!(id > prev) || id.length !== 30) return false;
            prev = id;
          }
          return true;
        },
      ),
    );
  });
  it('two terminals never make the same id, whatever either clock does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1_700_000_000_000, max: 1_700_000_010_000 })), { minLength: 1, maxLength: 400 }),
        (a, b, steps) => {
          fc.pre(a !== b);
          const terminals = [String(a).padStart(2, '0'), String(b).padStart(2, '0')];
          const state: MsgIdState[] = [{ stamp: '', seq: 0 }, { stamp: '', seq: 0 }];
          const seen = new Set<string>();
          for (const [second, t] of steps) {
            const i = second ? 1 : 0;
            state[i] = nextMsgIdState(state[i]!, new Date(t), terminals[i]!);
            const id = formatMsgId('H99010000001', state[i]!);
            if (seen.has(id)) return false;
            seen.add(id);
          }
          return true;
        },
      ),
    );
  });
  it('stamp is China time', () => {
    expect(msgStamp(new Date('2026-01-01T16:00:00Z'))).toBe('20260102000000');
  });
});

describe('response classification', () => {
  const id = 'H99010000001202603150902030001';
  it('classifies the four outcomes', () => {
    expect(classifyResponse(id, JSON.stringify({ infcode: 0, inf_refmsgid: 'R1', output: { a: 1 } }))).toEqual({ kind: 'success', msgid: id, refmsgid: 'R1', output: { a: 1 } });
    expect(classifyResponse(id, JSON.stringify({ infcode: -1, err_msg: '不行', output: { reject_code: 'X' } }))).toMatchObject({ kind: 'rejected', code: 'X', message: '不行' });
    expect(classifyResponse(id, JSON.stringify({ infcode: '-9', err_msg: 'busy' }))).toMatchObject({ kind: 'busy' });
    expect(classifyResponse(id, JSON.stringify({ infcode: 7 }))).toMatchObject({ kind: 'unknown' });
  });
  it('never guesses on malformed bodies', () => {
    for (const body of ['', 'garbage\u0000\u00ff', '[]', 'null', '{"infcode":"zero"}', '{"infcode":0.5}', '{"err_msg":"x"}', '{"infcode":0,"inf_refmsgid":5}']) {
      expect(classifyResponse(id, body).kind, body).toBe('unknown');
    }
  });
});

describe('settlement amounts on the wire', () => {
  const a: SettlementAmounts = { total: 8784000, fullOwnPay: 0, overLimitSelfPay: 0, preSelfPay: 1756200, eligible: 7027800, deductible: 130000, fundPay: 5173350, coPay: 1724450, criticalIllnessPay: 932670, personalTotal: 2677980, accountPay: 0, cashPay: 2677980 };
  it('round-trips and adds fund_pay_sumamt', () => {
    const w = amountsToWire(a);
    expect(w.medfee_sumamt).toBe('87840.00');
    expect(w.fund_pay_sumamt).toBe('61060.20');
    expect(amountsFromWire(w)).toEqual(a);
  });
  it('rejects a number where a string belongs', () => {
    expect(() => amountsFromWire({ ...amountsToWire(a), hifp_pay: 51733.5 })).toThrow();
  });
});

describe('1101 answer', () => {
  it('maps codes to the split model and refuses bad shapes', () => {
    const out = {
      baseinfo: { psn_no: 'P1', psn_name: '张伟', gend: '1', brdy: '1980-03-15', certno: '990101198003150133' },
      insuinfo: [{ insutype: '310', psn_type: '1201', balc: '12.30', psn_insu_stas: '1', insuplc_admdvs: '990100' }],
    };
    const p = personFromOutput(personOutputSchema.parse(out));
    expect(p).toMatchObject({ insuranceType: 'employee', personGroup: 'retired', status: 'active', accountBalance: 1230, gender: 'male' });
    expect(personOutputSchema.safeParse({ ...out, insuinfo: [{ ...out.insuinfo[0], balc: 12.3 }] }).success).toBe(false);
    expect(personOutputSchema.safeParse({ ...out, insuinfo: [] }).success).toBe(false);
  });
});
