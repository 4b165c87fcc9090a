// The policy part on a real app and a real SQLite file: apply, history, atomic switch,
// deltas, tableFor by date, search ranking, and the API calls.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { isAppError } from '../../../electron/api/result';
import { generatePolicyDelta, generatePolicyTable } from '../../../electron/policy/generate';
import { computeSplit } from '../../../electron/policy/split';
import type { PolicyTable } from '../../../electron/policy/split/types';
import { startTempApp, type TempApp } from '../../helpers/temp-app';

const sample = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/split-vectors/policies/sample-city-2026.json'), 'utf8')) as PolicyTable;

function errorOf(fn: () => unknown): { code: string; details: unknown } {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('did not throw');
}

let t: TempApp;
beforeEach(async () => {
  t = await startTempApp({ clock: new ManualClock() });
});
afterEach(async () => {
  await t.close();
});

describe('policy store', () => {
  it('starts empty and applies a table', () => {
    const p = t.app.policy;
    expect(p.currentSeq()).toBe(0);
    expect(p.status()).toBeNull();
    expect(errorOf(() => p.tableFor('2026-03-15', ['X'])).code).toBe('POLICY_NOT_EFFECTIVE');
    expect(p.applyTable(sample)).toEqual({ seq: 1, version: '2026.01-sample' });
    expect(p.status()).toMatchObject({ seq: 1, version: '2026.01-sample', effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31', entries: 20 });
    expect(p.status()!.appliedAt).toBe(t.app.clock.now().toISOString());
    expect(t.app.status.get().policy).toEqual({ seq: 1, version: '2026.01-sample', appliedAt: t.app.clock.now().toISOString() });
  });

  it('never applies an invalid table and changes nothing', () => {
    const p = t.app.policy;
    p.applyTable(sample);
    const bad = structuredClone(sample) as PolicyTable;
    bad.seq = 2;
    bad.catalog[5]!.selfPayRatio = '0.123456';
    const e = errorOf(() => p.applyTable(bad));
    expect(e).toEqual({ code: 'POLICY_INVALID', details: expect.objectContaining({ path: 'catalog[5].selfPayRatio' }) });
    expect(p.currentSeq()).toBe(1);
    expect(t.app.db.prepare('SELECT count(*) n FROM catalog_entries').get()).toEqual({ n: 20 });
    expect(errorOf(() => p.applyTable(sample)).code).toBe('POLICY_SEQ_NOT_NEWER');
  });

  it('gives the split engine the table with only the codes asked for, and the split matches the vector', () => {
    t.app.policy.applyTable(sample);
    const v = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/split-vectors/08-inpatient-bands.json'), 'utf8'));
    const codes = (v.items as { code: string }[]).map((i) => i.code);
    const { seq, table } = t.app.policy.tableFor(v.visit.date, [...codes, 'NOT-IN-CATALOG']);
    expect(seq).toBe(1);
    expect(table.catalog.map((e) => e.code).sort()).toEqual([...new Set(codes)].sort());
    expect(table.schemes).toEqual(sample.schemes);
    const out = computeSplit(table, v.patient, v.visit, v.items);
    expect(out.ok && { ...out.result, explanation: undefined }).toEqual({ ...v.expect, explanation: undefined });
    // Every catalog entry comes back as it went in.
    const all = t.app.policy.tableFor('2026-06-01', sample.catalog.map((e) => e.code)).table.catalog;
    expect(all.sort((a, b) => a.code.localeCompare(b.code))).toEqual([...sample.catalog].sort((a, b) => a.code.localeCompare(b.code)));
  });

  it('applies a delta at fromSeq exactly, keeps history, and picks the table by the visit date', () => {
    const p = t.app.policy;
    p.applyTable({ ...sample, effectiveTo: null });
    const amox = 'XJ01CAA040A001010101445';
    const delta = {
      format: 'policy-delta/1',
      fromSeq: 1,
      toSeq: 2,
      version: '2026.07-a',
      effectiveFrom: '2026-07-01',
      catalogUpserts: [
        { ...sample.catalog[0]!, class: 'B', selfPayRatio: '0.2' },
        { code: 'XNEW0001', name: '新增测试片', kind: 'drug', class: 'A' },
      ],
      catalogDeletes: ['311503024000000'],
    };
    expect(p.applyDelta(delta)).toEqual({ seq: 2, version: '2026.07-a' });
    expect(p.status()).toMatchObject({ seq: 2, entries: 20, effectiveFrom: '2026-07-01', effectiveTo: null });
    // After July: the delta's table. Before: the original one, still readable.
    const july = p.tableFor('2026-07-02', [amox, 'XNEW0001', '311503024000000']);
    expect(july.seq).toBe(2);
    expect(july.table.catalog.map((e) => [e.code, e.class])).toEqual([[amox, 'B'], ['XNEW0001', 'A']]);
    const march = p.tableFor('2026-03-15', [amox, 'XNEW0001', '311503024000000']);
    expect(march.seq).toBe(1);
    expect(march.table.catalog.map((e) => [e.code, e.class])).toEqual([[amox, 'A'], ['311503024000000', 'C']]);
    expect(p.history().map((h) => h.seq)).toEqual([1, 2]);
    // Search sees the table in force only.
    expect(p.search('311503024000000')).toEqual([]);
    expect(p.search('新增测试')[0]!.code).toBe('XNEW0001');
    expect(p.search(amox)[0]).toMatchObject({ code: amox, class: 'B', selfPayRatio: '0.2' });
  });

  it('refuses a delta for another seq, or one deleting an unknown code, and changes nothing', () => {
    const p = t.app.policy;
    p.applyTable(sample);
    const base = { format: 'policy-delta/1', version: 'd', catalogUpserts: [{ code: 'XNEW', name: '新药片', kind: 'drug', class: 'A' }], catalogDeletes: [] as string[] };
    expect(errorOf(() => p.applyDelta({ ...base, fromSeq: 3, toSeq: 4 })).code).toBe('POLICY_DELTA_MISMATCH');
    expect(errorOf(() => p.applyDelta({ ...base, fromSeq: 1, toSeq: 2, catalogDeletes: ['NO-SUCH-CODE'] }))).toEqual({
      code: 'POLICY_DELTA_MISMATCH',
      details: expect.objectContaining({ path: 'catalogDeletes[0]' }),
    });
    expect(errorOf(() => p.applyDelta({ ...base, fromSeq: 1, toSeq: 2, catalogUpserts: [{ code: 'X', name: '' }] })).code).toBe('POLICY_INVALID');
    // A period that no longer holds once combined with the table's own end date.
    expect(errorOf(() => p.applyDelta({ ...base, fromSeq: 1, toSeq: 2, effectiveFrom: '2027-02-01' }))).toEqual({ code: 'POLICY_INVALID', details: { path: 'effectiveFrom' } });
    expect(p.currentSeq()).toBe(1);
    expect(p.search('XNEW')).toEqual([]);
    expect(t.app.db.prepare('SELECT count(*) n FROM catalog_closed').get()).toEqual({ n: 0 });
  });

  it('a new full table replaces the catalog in force while older seqs stay readable', () => {
    const p = t.app.policy;
    p.applyTable({ ...sample, effectiveFrom: '2025-01-01', effectiveTo: '2025-12-31', version: '2025' });
    const next = generatePolicyTable({ seed: 5, entries: 3000, seq: 2, version: '2026-gen' });
    p.applyTable(next);
    expect(p.status()).toMatchObject({ seq: 2, entries: 3000 });
    expect(p.search('XJ01CAA040A001010101445')).toEqual([]);
    expect(p.tableFor('2025-05-05', ['XJ01CAA040A001010101445']).table.catalog).toHaveLength(1);
    expect(p.tableFor('2026-05-05', [next.catalog[7]!.code]).table.catalog).toEqual([next.catalog[7]]);
    expect(errorOf(() => p.tableFor('2027-01-01', [])).code).toBe('POLICY_NOT_EFFECTIVE');
  });

  it('applies a generated 1,000-change delta to a generated table exactly', () => {
    const p = t.app.policy;
    const table = generatePolicyTable({ seed: 11, entries: 10_000 });
    p.applyTable(table);
    const delta = generatePolicyDelta({ seed: 12, fromSeq: 1, changes: 1000, existingCodes: table.catalog.map((e) => e.code) });
    p.applyDelta(delta);
    const expected = new Map(table.catalog.map((e) => [e.code, e]));
    for (const c of delta.catalogDeletes) expected.delete(c);
    for (const e of delta.catalogUpserts) expected.set(e.code, e);
    expect(p.status()!.entries).toBe(expected.size);
    const probe = [...delta.catalogUpserts.slice(0, 50).map((e) => e.code), ...delta.catalogDeletes.slice(0, 20), ...table.catalog.slice(0, 50).map((e) => e.code)];
    const got = p.tableFor('2026-05-01', probe).table.catalog;
    expect(new Map(got.map((e) => [e.code, e]))).toEqual(new Map(probe.filter((c) => expected.has(c)).map((c) => [c, expected.get(c)!])));
  });
});

describe('catalog search', () => {
  beforeEach(() => {
    t.app.policy.applyTable(sample);
  });
  const codes = (q: string, limit?: number) => t.app.policy.search(q, limit).map((h) => h.code);
  type CatalogUpsert = { code: string; name: string; kind: string; class: string; selfPayRatio?: string };
  /** The catalogue delta from `fromSeq` to the next seq: these rows added or replaced, none deleted. */
  const upsertCatalog = (fromSeq: number, version: string, catalogUpserts: CatalogUpsert[]) =>
    t.app.policy.applyDelta({ format: 'policy-delta/1', fromSeq, toSeq: fromSeq + 1, version, catalogUpserts, catalogDeletes: [] });

  it('finds by exact code, code prefix, pinyin initials, name prefix and substring', () => {
    expect(codes('250101015000000')).toEqual(['250101015000000']);
    expect(codes('xj01')).toEqual(['XJ01CAA040A001010101445', 'XJ01DCC040A001010101234']);
    expect(codes('amxl')).toEqual(['XJ01CAA040A001010101445']);
    expect(codes('阿莫')).toEqual(['XJ01CAA040A001010101445']);
    expect(codes('常规')).toEqual(['250101015000000', '220201001000000']);
    expect(codes('阿莫西林胶')).toEqual(['XJ01CAA040A001010101445']);
    expect(codes('血细胞分析(血')).toEqual(['250101015000000']);
    expect(codes('西林')).toEqual(['XJ01CAA040A001010101445']);
    expect(t.app.policy.search('amxljn')[0]).toMatchObject({ name: '阿莫西林胶囊', pinyin: 'amxljn', spec: '0.25g*24粒' });
    expect(codes('')).toEqual([]);
    expect(codes('"*)(')).toEqual([]);
  });

  it('ranks code prefix before initials before name prefix before substring, and honours the limit', () => {
    // "c": codes starting with C, then names whose initials start with c, then substrings.
    const hits = t.app.policy.search('c', 50);
    const firstNonCode = hits.findIndex((h) => !h.code.startsWith('C'));
    expect(hits.slice(0, firstNonCode).every((h) => h.code.startsWith('C'))).toBe(true);
    expect(hits.slice(firstNonCode).some((h) => h.code.startsWith('C'))).toBe(false);
    const initialsEnd = hits.findIndex((h, i) => i >= firstNonCode && !h.pinyin.startsWith('c'));
    expect(initialsEnd === -1 || hits.slice(initialsEnd).every((h) => !h.pinyin.startsWith('c'))).toBe(true);
    expect(codes('片', 2)).toHaveLength(2);
    // A name prefix comes before a substring.
    expect(codes('一')).toEqual(['120100001000000', 'C14020100200001']);
    expect(codes('普通')).toEqual(['450000001000000', '001102000010000', '110900001000000']);
    const tou = t.app.policy.search('头孢');
    expect(tou[0]!.name.startsWith('头孢')).toBe(true);
  });

  it('finds pinyin initials anywhere in the name, after the names that start with them (issue 13)', () => {
    // 阿莫西林胶囊 = amxljn: "xl" (西林) and "ljn" (林胶囊) are inside it, not at its start.
    expect(codes('xl')).toContain('XJ01CAA040A001010101445');
    expect(codes('ljn')).toEqual(['XJ01CAA040A001010101445']);
    expect(codes('xljn')).toEqual(['XJ01CAA040A001010101445']);
    // A name whose initials start with the letters comes before one that only holds them.
    upsertCatalog(1, 'd', [{ code: 'XNEW0009', name: '西林瓶', kind: 'material', class: 'A' }]);
    const xl = codes('xl');
    expect(xl.indexOf('XNEW0009')).toBeGreaterThanOrEqual(0);
    expect(xl.indexOf('XNEW0009')).toBeLessThan(xl.indexOf('XJ01CAA040A001010101445'));
    // Rows replaced by a delta are forgotten inside names too; the new name is found inside.
    upsertCatalog(2, 'e', [{ code: 'XJ01CAA040A001010101445', name: '羟氨苄青霉素胶囊', kind: 'drug', class: 'A' }]);
    expect(codes('ljn')).toEqual([]);
    expect(codes('msjn')).toEqual(['XJ01CAA040A001010101445']); // qabqmsjn: 霉素胶囊 inside
  });

  it('puts initials typed in full before longer ones, and forgets the initials of replaced rows', () => {
    // 阿莫西林胶囊 (amxljn) renamed; 阿莫西林 (amxl) added after a longer amxl… name.
    upsertCatalog(1, 'd', [
      { code: 'XJ01CAA040A001010101445', name: '羟氨苄青霉素胶囊', kind: 'drug', class: 'A' },
      { code: 'XNEW0003', name: '阿莫西林克拉维酸钾片', kind: 'drug', class: 'B', selfPayRatio: '0.1' },
      { code: 'XNEW0002', name: '阿莫西林', kind: 'drug', class: 'A' },
    ]);
    expect(t.app.policy.search('amxl').map((h) => h.pinyin)).toEqual(['amxl', 'amxlklwsjp']);
    // The exact one even when the page holds one hit and the longer one was stored first.
    expect(codes('amxl', 1)).toEqual(['XNEW0002']);
    expect(codes('amxljn')).toEqual([]);
    expect(codes('qabqmsjn')).toEqual(['XJ01CAA040A001010101445']);
  });
});

describe('policy API calls', () => {
  it('serves status and search to a cashier, not to the public', async () => {
    t.app.policy.applyTable(sample);
    const anon = await t.login('1001');
    const st = await t.call(anon, 'policy.status', {});
    expect(st).toEqual({ ok: true, value: expect.objectContaining({ seq: 1, entries: 20 }) });
    const found = await t.call(anon, 'policy.search', { query: 'amx', limit: 5 });
    expect(found.ok && found.value.map((h) => h.code)).toEqual(['XJ01CAA040A001010101445']);
    const bad = await t.call(anon, 'policy.search', { query: 'x', limit: 0 });
    expect(bad.ok).toBe(false);
    const { newSession } = await import('../../../electron/api/session');
    const pub = await t.call(newSession('test'), 'policy.status', {});
    expect(pub.ok).toBe(false);
  });

  it('audits every applied table', () => {
    t.app.policy.applyTable(sample);
    const rows = t.app.db.prepare("SELECT action, subject FROM audit_log WHERE action LIKE 'policy.%'").all();
    expect(rows).toEqual([{ action: 'policy.apply.full', subject: '1' }]);
    expect(t.app.audit.verify().ok).toBe(true);
  });
});

describe('disease rules (issue 17)', () => {
  const chronic = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/split-vectors-project/policies/chronic-city-2026.json'), 'utf8')) as PolicyTable;
  const delta = (fromSeq: number, toSeq: number, extra: object = {}) => ({ format: 'policy-delta/1', fromSeq, toSeq, version: `v${toSeq}`, catalogUpserts: [], catalogDeletes: [], ...extra });

  it('are stored with the table, kept by a delta without them, replaced or emptied by one with them', () => {
    const p = t.app.policy;
    p.applyTable(chronic);
    const codes = ['XA10BA144A001010101044'];
    expect(p.tableFor('2026-04-20', codes).table.diseaseRules).toEqual(chronic.diseaseRules);
    expect(p.currentRules()?.diseaseRules).toEqual(chronic.diseaseRules);
    expect(p.tableFor('2026-04-20', codes).table.schemes.find((s) => s.id === 'res-outpatient')?.bindingRequired).toBe('01');
    p.applyDelta(delta(7, 8));
    expect(p.tableFor('2026-04-20', codes).table.diseaseRules).toEqual(chronic.diseaseRules);
    p.applyDelta(delta(8, 9, { diseaseRules: [chronic.diseaseRules![1]] }));
    expect(p.tableFor('2026-04-20', codes).table.diseaseRules?.map((r) => r.code)).toEqual(['I10']);
    p.applyDelta(delta(9, 10, { diseaseRules: [] }));
    expect(p.tableFor('2026-04-20', codes).table.diseaseRules).toEqual([]);
  });

  it('a table without them reads back without the field (the model as it was)', () => {
    t.app.policy.applyTable(sample);
    expect('diseaseRules' in t.app.policy.tableFor('2026-03-15', []).table).toBe(false);
  });

  it('an invalid rule is refused and nothing changes', () => {
    const p = t.app.policy;
    p.applyTable(chronic);
    expect(errorOf(() => p.applyDelta(delta(7, 8, { diseaseRules: [{ ...chronic.diseaseRules![0], bands: [] }] }))).code).toBe('POLICY_INVALID');
    expect(p.currentSeq()).toBe(7);
    expect(p.currentRules()?.diseaseRules).toEqual(chronic.diseaseRules);
  });
});
