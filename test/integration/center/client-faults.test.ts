// Every fault of the sandbox center, and malformed answers, seen through the real client over
// real HTTP on loopback: each outcome is classified, nothing crashes, and a resend with the
// same message id resolves an unknown outcome exactly once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import { MALFORMED_MODES, type MalformedMode } from '../../../electron/center/sandbox/faults';
import { CenterClient, type ContactReport } from '../../../electron/center/client';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { openDatabase } from '../../../electron/db/open';
import { one, value } from '../../../electron/db/sql';
import { z } from 'zod';
import { tempDir } from '../../helpers/temp-app';
import { rmSync } from 'node:fs';
import { lookupPerson } from '../../../electron/center/person-lookup';
import { CODES, localSettlement, startRig, type Rig } from './helpers';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  await rig.close();
});

const p = DEMO_PERSONS[0]!;
const lookupInput = { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certno } };

async function control(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${rig.center.controlUrl}${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

describe('faults on command', () => {
  it('refuse: the outcome is unknown (connection refused) and reported as unreachable; back on, it answers', async () => {
    const reports: ContactReport[] = [];
    rig.client.onContact((r) => reports.push(r));
    await rig.center.setOffline(true);
    const r = await rig.client.send('1101', lookupInput);
    expect(r).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('ECONNREFUSED') });
    expect(reports.at(-1)).toMatchObject({ reached: false });
    await rig.center.setOffline(false);
    expect((await rig.client.send('1101', lookupInput)).kind).toBe('success');
    expect(reports.at(-1)).toMatchObject({ reached: true, error: null });
  });

  it('latency beyond the timeout: unknown, yet committed; the resend with the same msgid gets that answer', async () => {
    await rig.center.setFaults({ latencyMs: 400 });
    const msgid = rig.client.newMsgId();
    const r = await rig.client.send('9001', { signIn: { opter_no: '1001' } }, { msgid, timeoutMs: 50 });
    expect(r).toMatchObject({ kind: 'unknown', msgid, reason: expect.stringContaining('超时') });
    // The center still processes it; wait for the commit by polling its own store.
    await waitFor(() => rig.center.db.prepare('SELECT 1 FROM messages WHERE msgid = ?').get(msgid) !== undefined);
    await rig.center.setFaults({ latencyMs: 0 });
    const again = await rig.client.send('9001', { signIn: { opter_no: '1001' } }, { msgid });
    expect(again.kind).toBe('success');
    expect(rig.center.db.prepare('SELECT COUNT(*) AS n FROM sign_ins').get()).toEqual({ n: 1 });
  });

  it('drop after commit: the lost response is unknown; the resend returns the stored answer, not a second effect', async () => {
    await rig.center.setFaults({ dropAfterCommit: { count: 1, infno: '9001' } });
    const msgid = rig.client.newMsgId();
    const lost = await rig.client.send('9001', { signIn: { opter_no: '1001' } }, { msgid });
    expect(lost).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/ECONNRESET|断开|通信失败/) });
    const again = await rig.client.send('9001', { signIn: { opter_no: '1001' } }, { msgid });
    expect(again.kind).toBe('success');
    expect(rig.center.db.prepare('SELECT COUNT(*) AS n FROM sign_ins').get()).toEqual({ n: 1 });
  });

  it('busy: -9 is classified busy (retry), nothing is stored, then it answers', async () => {
    await rig.center.setFaults({ busy: { count: 2 } });
    const msgid = rig.client.newMsgId();
    expect(await rig.client.send('1101', lookupInput, { msgid })).toMatchObject({ kind: 'busy', msgid });
    expect(await rig.client.send('1101', lookupInput, { msgid })).toMatchObject({ kind: 'busy' });
    expect((await rig.client.send('1101', lookupInput, { msgid })).kind).toBe('success');
  });

  it('the control endpoint sets and clears faults, publishes policy changes and emits notices', async () => {
    await control('/faults', { busy: { count: -1, infno: '1101' }, rejectItems: { X1: '测试' } });
    expect(await rig.client.send('1101', lookupInput)).toMatchObject({ kind: 'busy' });
    expect((await rig.client.send('9001', { signIn: { opter_no: '1' } })).kind).toBe('success');
    expect(await control('/faults')).toMatchObject({ rejectItems: { X1: '测试' } });
    const bad = await fetch(`${rig.center.controlUrl}/faults`, { method: 'POST', body: JSON.stringify({ busy: 3 }) });
    expect(bad.status).toBe(400);
    await control('/faults/clear', {});
    expect((await rig.client.send('1101', lookupInput)).kind).toBe('success');
    expect(await control('/policy/publish', {})).toEqual({ seq: 2, version: expect.stringContaining('+2') });
    expect(await control('/notices', { type: 'paid' })).toEqual([]);
    expect(((await control('/persons')) as unknown[]).length).toBeGreaterThanOrEqual(12);
    await control('/faults', { refuse: true });
    expect((await rig.client.send('1101', lookupInput)).kind).toBe('unknown');
    await control('/faults', { refuse: false });
    expect((await rig.client.send('1101', lookupInput)).kind).toBe('success');
  });
});

describe('malformed answers', () => {
  for (const mode of MALFORMED_MODES) {
    it(`${mode}: classified unknown, never a crash, never a guess`, async () => {
      await rig.center.setFaults({ malformed: { mode: mode as MalformedMode, count: 1 } });
      const r = await rig.client.send('1101', lookupInput, { maxResponseBytes: 256 * 1024 });
      expect(r.kind).toBe('unknown');
      if (mode === 'huge') expect((r as { reason: string }).reason).toContain('过大');
      if (mode === 'truncated') expect((r as { reason: string }).reason).toMatch(/不完整|断开|ECONNRESET|通信失败/);
      // The center still works afterwards.
      expect((await rig.client.send('1101', lookupInput)).kind).toBe('success');
    });
  }

  it('a declared content-length beyond the limit is refused before reading', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write('{"infcode":0');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const c = rig.clientWith({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const r = await c.send('1101', lookupInput);
    expect(r).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('过大') });
    server.closeAllConnections();
    await new Promise((r2) => server.close(r2));
  });
});

describe('message ids', () => {
  it('stay unique and 30 characters when the clock moves backwards and across restarts', async () => {
    const dir = tempDir('msgid-');
    const clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));
    const seen = new Set<string>();
    const take = (c: CenterClient, n: number) => {
      for (let i = 0; i < n; i++) {
        const id = c.newMsgId();
        expect(id).toHaveLength(30);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    };
    const open = () => {
      const { db } = openDatabase({ file: join(dir, 'cashier.db') });
      const c = new CenterClient(db, clock, silentLogger, { url: 'http://127.0.0.1:1', institutionCode: 'H99010000001', terminalNo: '01', institutionName: 'x', institutionSecret: 'secret-secret', areaCode: '990100', caFile: '' });
      return { db, c };
    };
    let { db, c } = open();
    take(c, 50);
    clock.advance(-3 * 3600_000); // the clock moves back three hours
    take(c, 50);
    c.close();
    db.close();
    ({ db, c } = open()); // restart, clock still behind
    take(c, 50);
    clock.advance(-24 * 3600_000);
    // Near the end of a stamp's 100 ids for terminal 01 (as after a burst): the stamp moves one second on.
    const last = { stamp: value(db, 'SELECT stamp FROM center_msgid', {}, z.string())! };
    db.prepare('UPDATE center_msgid SET seq = 197').run();
    take(c, 5);
    const after = one(db, 'SELECT stamp, seq FROM center_msgid', {}, z.object({ stamp: z.string(), seq: z.number().int() }))!;
    expect(after.stamp > last.stamp).toBe(true);
    expect(after.seq).toBe(102);
    c.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

async function waitFor(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met');
}

describe('exactly once under random faults', () => {
  it('resending each unknown or busy upload with its msgid leaves exactly one settlement per bill', async () => {
    let seed = 20260315;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const person = await lookupPerson({ db: rig.db, clock: rig.clock, isOnline: () => true, send: (i, x, o) => rig.client.send(i, x, o) }, { certType: '02', certNo: DEMO_PERSONS[9]!.certno });
    let accumulators = person.accumulators;
    let balance = person.accountBalance;
    const faults = ['drop', 'busy', 'garbage', 'truncated', 'none', 'none'] as const;
    let attempts = 0;
    for (let i = 0; i < 25; i++) {
      const { input, result } = localSettlement(rig.center, { ...person, accumulators, accountBalance: balance }, { visitType: 'outpatient', hospitalLevel: 1, date: '2026-03-15' }, [{ code: CODES.bloodTest, unitPrice: `${10 + i}.00`, quantity: '1' }], `X${i}`);
      const msgid = rig.client.newMsgId();
      for (;;) {
        attempts++;
        const f = faults[Math.floor(rand() * faults.length)]!;
        if (f === 'drop') await rig.center.setFaults({ dropAfterCommit: { count: 1 } });
        if (f === 'busy') await rig.center.setFaults({ busy: { count: 1 } });
        if (f === 'garbage' || f === 'truncated') await rig.center.setFaults({ malformed: { mode: f, count: 1 } });
        const r = await rig.client.send('2207', input, { msgid });
        await rig.center.setFaults({ dropAfterCommit: null, busy: null, malformed: null });
        if (r.kind === 'success') {
          expect((r.output as { stmt: string }).stmt).toBe('accepted');
          break;
        }
        expect(r.kind === 'unknown' || r.kind === 'busy').toBe(true);
      }
      accumulators = result.accumulatorsAfter as typeof accumulators;
      balance -= result.accountPay;
    }
    expect(attempts).toBeGreaterThan(25); // faults did fire
    const rows = rig.center.settlements();
    expect(rows).toHaveLength(25);
    expect(new Set(rows.map((r) => r.medins_setl_id)).size).toBe(25);
    expect(rig.center.personYear(DEMO_PERSONS[9]!.psn_no)).toMatchObject({ balance, accumulators });
  });
});
