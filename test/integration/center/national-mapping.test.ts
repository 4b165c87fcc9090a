// Catalogue mapping (对照, issue 16) against the real sandbox center over HTTP: the HIS's CSV
// imported all or nothing (bad lines named by number and code), suggestions by name and spec,
// 3301 uploads and 3302 revocations through the mapping outbox applied at the center exactly
// once whatever answers are lost, and the lookup 2204 uses: only a pair the center confirmed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../electron/api/result';
import { silentLogger } from '../../../electron/app/log';
import { NationalSession } from '../../../electron/center/national/session';
import { drainMappings, MappingQueue } from '../../../electron/outbox/mapping-queue';
import { MappingStore } from '../../../electron/policy/mapping-store';
import { CatalogSearch } from '../../../electron/policy/search';
import { PolicyStore } from '../../../electron/policy/store';
import { CODES, startRig, type Rig } from './helpers';

let rig: Rig;
let queue: MappingQueue;
let store: MappingStore;
let session: NationalSession;

beforeEach(async () => {
  rig = await startRig();
  const policy = new PolicyStore(rig.db, rig.clock);
  policy.applyTable(rig.center.currentPolicy());
  const search = new CatalogSearch(rig.db, policy);
  queue = new MappingQueue(rig.db, rig.clock);
  store = new MappingStore(rig.db, rig.clock, { entry: (c) => policy.entry(c), search: (q, n) => search.search(q, n) }, queue, () => rig.client.newMsgId());
  session = new NationalSession({ client: async () => rig.client, terminalNo: () => '01', log: silentLogger });
});
afterEach(async () => {
  await rig.close();
});

const SUPERVISOR = '2001';

/** Drain until nothing is open, moving the clock past each backoff (as time would). */
async function drainAll(rounds = 12) {
  let last = await drain();
  for (let i = 0; i < rounds && last.remaining > 0; i++) {
    rig.clock.advance(10 * 60_000);
    last = await drain();
  }
  return last;
}
const drain = () =>
  drainMappings({ db: rig.db, queue, clock: rig.clock, send: (infno, input, opts) => session.send(infno, input, opts), onAnswer: (row, r) => store.recordAnswer(row, r) });

const CSV = [
  '院内编码,名称,规格,单位,医保编码',
  `H-0001,阿莫西林胶囊,0.25g*24粒,盒,${CODES.amoxicillin}`,
  `H-0002,"头孢呋辛酯片",0.25g*12片,盒,${CODES.cefuroxime}`,
  'H-0003,阿莫西林胶囊(大包装),0.25g*24粒,盒,',
].join('\r\n');

function refusal(f: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, details: e.details as Record<string, unknown> };
    throw e;
  }
  throw new Error('not refused');
}

describe('catalogue mapping', () => {
  it('a CSV with bad lines is refused whole: each bad line named by number, field and code, nothing applied', () => {
    const bad = [
      'clinic_code,name,spec,unit,national_code',
      `H-0001,阿莫西林胶囊,0.25g*24粒,盒,${CODES.amoxicillin}`,
      'H 0002,空格编码,,,',
      'H-0003,,,,',
      'H-0004,不存在的医保编码,,,NOSUCHCODE01',
      `H-0001,重复,,,`,
      'H-0005,列数不对,,',
    ].join('\n');
    const r = refusal(() => store.importCsv(bad, SUPERVISOR));
    expect(r.code).toBe('MAPPING_IMPORT_INVALID');
    const errors = r.details.errors as { line: number; code: string }[];
    expect(errors.map((e) => `${e.line}:${e.code}`)).toEqual(['3:CODE_INVALID', '4:NAME_MISSING', '5:NATIONAL_UNKNOWN', '6:DUPLICATE', '7:CSV_FIELDS']);
    expect(store.list()).toEqual([]);
    expect(queue.openCount()).toBe(0);
    expect(refusal(() => store.importCsv('名称\n阿莫西林', SUPERVISOR)).details.errors).toMatchObject([{ line: 1, code: 'CSV_HEADER' }]);
  });

  it('imports, uploads each pair once (3301), and only confirmed pairs are used for 2204', async () => {
    expect(store.importCsv(CSV, SUPERVISOR)).toEqual({ rows: 3, mapped: 2, queued: 2 });
    // Queued, not yet confirmed: not usable for settling.
    expect(store.nationalCodeFor('H-0001')).toBeNull();
    expect(store.unmapped(['H-0001', 'H-0003', 'H-9999'])).toEqual([
      { clinicCode: 'H-0001', state: 'uploading' },
      { clinicCode: 'H-0003', state: 'unmapped' },
      { clinicCode: 'H-9999', state: 'unmapped' },
    ]);
    expect(await drainAll()).toMatchObject({ confirmed: 2, remaining: 0 });
    expect(store.nationalCodeFor('H-0001')).toBe(CODES.amoxicillin);
    expect(store.nationalCodeFor('H-0002')).toBe(CODES.cefuroxime);
    expect(store.nationalCodeFor('H-0003')).toBeNull();
    expect(store.unmapped(['H-0001', 'H-0002', 'H-0003'])).toEqual([{ clinicCode: 'H-0003', state: 'unmapped' }]);
    const m = rig.center.mappings();
    expect(m.held).toEqual([
      { medins_list_codg: 'H-0001', hilist_code: CODES.amoxicillin, state: 'active' },
      { medins_list_codg: 'H-0002', hilist_code: CODES.cefuroxime, state: 'active' },
    ]);
    expect(m.log.map((l) => `${l.infno}:${l.medins_list_codg}`)).toEqual(['3301:H-0001', '3301:H-0002']);
    // Importing the same file again changes nothing and sends nothing.
    expect(store.importCsv(CSV, SUPERVISOR).queued).toBe(0);
  });

  it.each([
    ['answers lost after commit', { dropAfterCommit: { count: 4, infno: '3301' } }],
    ['infcode 0 with err_msg', { errWithSuccess: { count: 2, infno: '3301' } }],
    ['gateway error', { gatewayError: { count: 2, infno: '3301' } }],
    ['busy', { busy: { count: 3, infno: '3301' } }],
    ['truncated answers', { malformed: { mode: 'truncated' as const, count: 2, infno: '3301' } }],
    ['sign-in expired', { signInExpired: { count: 1, infno: '3301' } }],
  ])('%s: each pair applied at the center exactly once, under the msgid fixed at import', async (_name, fault) => {
    await rig.center.setFaults(fault);
    store.importCsv(CSV, SUPERVISOR);
    const msgids = [...queue.forCode('H-0001'), ...queue.forCode('H-0002')].map((r) => r.msgid);
    const r = await drainAll();
    expect(r.remaining).toBe(0);
    const log = rig.center.mappings().log;
    // Order holds per clinic code, not across codes (a busy answer delays only its own code).
    expect(log.map((l) => `${l.infno}:${l.medins_list_codg}`).sort()).toEqual(['3301:H-0001', '3301:H-0002']);
    expect(log.map((l) => l.msgid).sort()).toEqual([...msgids].sort());
    expect(store.nationalCodeFor('H-0001')).toBe(CODES.amoxicillin);
    expect(store.nationalCodeFor('H-0002')).toBe(CODES.cefuroxime);
  });

  it('an edit revokes the old pair (3302) before uploading the new one; clearing revokes; each once', async () => {
    store.importCsv(CSV, SUPERVISOR);
    await drainAll();
    await rig.center.setFaults({ dropAfterCommit: { count: 2, infno: '3302' } });
    store.setMapping('H-0002', CODES.amoxicillin, SUPERVISOR);
    expect(queue.forCode('H-0002').slice(1).map((r) => `${r.infno}:${r.national_code}`)).toEqual([`3302:${CODES.cefuroxime}`, `3301:${CODES.amoxicillin}`]);
    expect(store.nationalCodeFor('H-0002')).toBeNull();
    await drainAll();
    expect(store.nationalCodeFor('H-0002')).toBe(CODES.amoxicillin);
    store.setMapping('H-0001', null, SUPERVISOR);
    await drainAll();
    expect(store.nationalCodeFor('H-0001')).toBeNull();
    expect(store.view('H-0001')).toMatchObject({ state: 'unmapped', centerCode: null });
    const m = rig.center.mappings();
    expect(m.log.map((l) => `${l.infno}:${l.medins_list_codg}:${l.hilist_code}`)).toEqual([
      `3301:H-0001:${CODES.amoxicillin}`,
      `3301:H-0002:${CODES.cefuroxime}`,
      `3302:H-0002:${CODES.cefuroxime}`,
      `3301:H-0002:${CODES.amoxicillin}`,
      `3302:H-0001:${CODES.amoxicillin}`,
    ]);
    expect(m.held.find((h) => h.medins_list_codg === 'H-0001')!.state).toBe('revoked');
  });

  it('a code the center does not know is refused and shown as refused, never used', async () => {
    store.importCsv(CSV, SUPERVISOR);
    // The center's catalogue lost the code meanwhile: its 3301 is refused (HILIST_UNKNOWN).
    rig.center.publishPolicyChange({ deletes: [CODES.cefuroxime] });
    await drainAll();
    expect(store.view('H-0002')).toMatchObject({ state: 'rejected' });
    expect(store.view('H-0002')!.lastError).toContain(CODES.cefuroxime);
    expect(store.nationalCodeFor('H-0002')).toBeNull();
  });

  it('refuses a national code outside the catalogue and an unknown clinic item, changing nothing', () => {
    store.importCsv(CSV, SUPERVISOR);
    expect(refusal(() => store.setMapping('H-0003', 'NOSUCHCODE01', SUPERVISOR)).code).toBe('MAPPING_NATIONAL_UNKNOWN');
    expect(refusal(() => store.setMapping('H-7777', CODES.amoxicillin, SUPERVISOR)).code).toBe('MAPPING_NOT_FOUND');
    expect(store.view('H-0003')!.nationalCode).toBeNull();
    expect(queue.openCount()).toBe(2);
  });

  it('suggests national codes by name and spec, the same drug first', () => {
    store.importCsv(CSV, SUPERVISOR);
    const s = store.suggest('H-0003');
    expect(s[0]).toMatchObject({ nationalCode: CODES.amoxicillin, name: '阿莫西林胶囊' });
    expect(s[0]!.score).toBeGreaterThan(s[1]?.score ?? 0);
  });
});
