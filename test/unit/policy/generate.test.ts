// The generator is deterministic, realistic and produces valid tables.
import { describe, expect, it } from 'vitest';
import { generatePolicyDelta, generatePolicyTable } from '../../../electron/policy/generate';
import { parsePolicyDelta, parsePolicyTable } from '../../../electron/policy/schema';
import { createInitials, nameChars, nameHeads } from '../../../electron/policy/pinyin';

describe('policy table generator', () => {
  it('gives the same table for the same seed and another for another seed', () => {
    const a = generatePolicyTable({ seed: 7, entries: 2000 });
    expect(generatePolicyTable({ seed: 7, entries: 2000 })).toEqual(a);
    expect(generatePolicyTable({ seed: 8, entries: 2000 }).catalog).not.toEqual(a.catalog);
  });
  it('makes valid tables with unique national-style codes of every kind and class', () => {
    const t = parsePolicyTable(generatePolicyTable({ seed: 1, entries: 20_000 }));
    expect(new Set(t.catalog.map((e) => e.code)).size).toBe(20_000);
    expect(new Set(t.catalog.map((e) => e.kind))).toEqual(new Set(['drug', 'service', 'material']));
    expect(new Set(t.catalog.map((e) => e.class))).toEqual(new Set(['A', 'B', 'C']));
    for (const e of t.catalog.slice(0, 500)) {
      expect(e.name).toMatch(/\p{Script=Han}/u);
      if (e.kind === 'drug') expect(e.code).toMatch(/^[XZ][A-Z]\d\d[A-Z]{2}\d{8}/);
      if (e.kind === 'service') expect(e.code).toMatch(/^\d{15}$/);
      if (e.kind === 'material') expect(e.code).toMatch(/^C\d{14}$/);
    }
  });
  it('makes valid deltas against a table', () => {
    const t = generatePolicyTable({ seed: 3, entries: 5000 });
    const d = parsePolicyDelta(generatePolicyDelta({ seed: 4, fromSeq: 1, changes: 1000, existingCodes: t.catalog.map((e) => e.code) }));
    expect(d.catalogUpserts.length + d.catalogDeletes.length).toBeGreaterThan(900);
    expect(d.catalogDeletes.length).toBeGreaterThan(0);
  });
});

describe('pinyin initials', () => {
  it('computes initials of Chinese names, keeping letters and digits', () => {
    const initials = createInitials();
    expect(initials('阿莫西林胶囊')).toBe('amxljn');
    expect(initials('维生素C泡腾片')).toBe('wsscptp');
    expect(initials('血细胞分析(血常规)')).toBe('xxbfxxcg');
    expect(initials('维生素B12')).toBe('wssb12');
  });
});

describe('name tokens for the search index', () => {
  it('splits a name into one token per character and its first three characters as heads', () => {
    expect(nameChars('维生素C泡腾片')).toBe('维 生 素 c 泡 腾 片');
    expect(nameHeads('阿莫西林胶囊')).toBe('阿 阿莫 阿莫西');
    expect(nameHeads('X线计算机体层(CT)平扫')).toBe('x x线 x线计');
    expect(nameHeads('一次')).toBe('一 一次');
    expect(nameHeads('(甲)片')).toBe('');
  });
});
