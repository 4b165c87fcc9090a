// The policy verbs through the real CLI in a child process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli';
import { loadVectors, VECTOR_DIR } from '../../unit/split/vectors';

const dir = mkdtempSync(join(tmpdir(), 'policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const json = (s: string): unknown => JSON.parse(s);

describe('cli split', () => {
  // A few vectors through the CLI (every vector is checked against the engine in
  // test/unit/split/vectors.test.ts; each CLI start costs a second or more).
  for (const v of loadVectors().filter((x) => /^(08|11|12)-/.test(x.file))) {
    it(`prints the result of ${v.file}`, () => {
      const r = runCli(['--data-dir', join(dir, 'never-created'), 'split', join(VECTOR_DIR, v.file)]);
      expect(r.code).toBe(0);
      if (v.expectError) expect(json(r.stdout)).toEqual({ error: v.expectError });
      else {
        const out = json(r.stdout) as Record<string, unknown>;
        expect(out.explanation).toEqual(expect.any(Array));
        delete out.explanation;
        expect(out).toEqual(v.expect);
      }
    });
  }

  it('needs no database: the data dir is never created', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'never-created'))).toBe(false);
  });

  it('prints an error code for a computable-but-wrong vector and exits non-zero only for unreadable input', () => {
    const bad = join(dir, 'bad-price.json');
    const v = loadVectors()[0]!;
    writeFileSync(bad, JSON.stringify({ policy: v.table, patient: v.patient, visit: v.visit, items: [{ code: 'X', unitPrice: '1.2.3', quantity: '1' }] }));
    const r = runCli(['split', bad]);
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toEqual({ error: 'INVALID_INPUT' });
    expect(runCli(['split', join(dir, 'missing.json')]).code).not.toBe(0);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ nope');
    expect(runCli(['split', notJson]).code).not.toBe(0);
  });
});

describe('cli policy import / status / catalog search', () => {
  it('imports, reports and searches', () => {
    const data = join(dir, 'data');
    const table = join(VECTOR_DIR, 'policies/sample-city-2026.json');
    const imp = runCli(['--data-dir', data, '--json', 'policy', 'import', table]);
    expect(imp.code).toBe(0);
    expect(json(imp.stdout)).toEqual({ seq: 1, version: '2026.01-sample', kind: 'full', entries: 20 });
    const again = runCli(['--data-dir', data, 'policy', 'import', table]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('POLICY_SEQ_NOT_NEWER');
    const st = runCli(['--data-dir', data, 'policy', 'status']);
    expect(st.stdout).toContain('2026.01-sample（序号 1）');
    const s = runCli(['--data-dir', data, 'catalog', 'search', '血常规']);
    expect(s.stdout).toContain('250101015000000  血细胞分析(血常规)  A类  xxbfxxcg');
  });

  it('refuses an invalid table naming the field', () => {
    const bad = join(dir, 'bad-table.json');
    writeFileSync(bad, JSON.stringify({ format: 'policy-table/1', seq: 1, version: 'v', region: 'r', effectiveFrom: '2026-01-01', effectiveTo: null, catalog: [{ code: 'A', name: 'x', kind: 'drug', class: 'B' }], schemes: [] }));
    const r = runCli(['--data-dir', join(dir, 'data2'), 'policy', 'import', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('POLICY_INVALID');
    expect(r.stderr).toContain('catalog[0].selfPayRatio');
  });
});
