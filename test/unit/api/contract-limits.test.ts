// Every string and every list a caller can send has a maximum (issue 14: "every string in the
// contract has a maximum length"): an oversize value is refused by the contract with
// INVALID_INPUT before any handler runs, never stored, logged or compared at full size. The
// WebSocket's 1 MB message limit (electron/web/server.ts) is the outer bound; these are the
// inner ones. Walks every call's input schema, so a new call without limits fails here.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract } from '../../../electron/api/contract';
import { TEXT_LIMITS } from '../../../electron/api/contract/limits';

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: { check: string; maximum?: number } } }>;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The max_length check of a string or array schema, if it has one. */
function maxLength(s: z.ZodType): number | undefined {
  return def(s).checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum;
}

/** Every unbounded string or list (and any schema kind this walk does not know) under `s`. */
export function unbounded(s: z.ZodType, path: string, out: string[] = []): string[] {
  const d = def(s);
  switch (d.type) {
    case 'string':
      if (maxLength(s) === undefined) out.push(`${path}: string without .max()`);
      break;
    case 'array':
      if (maxLength(s) === undefined) out.push(`${path}: list without .max()`);
      unbounded(d.element!, `${path}[]`, out);
      break;
    case 'object':
      for (const [k, v] of Object.entries(d.shape ?? {})) unbounded(v, `${path}.${k}`, out);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      unbounded(d.innerType!, path, out);
      break;
    case 'pipe':
      unbounded(d.in!, path, out);
      break;
    case 'union':
      d.options!.forEach((o, i) => unbounded(o, `${path}|${i}`, out));
      break;
    case 'intersection':
      unbounded(d.left!, path, out);
      unbounded(d.right!, path, out);
      break;
    case 'number':
    case 'int':
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'null':
    case 'undefined':
      break;
    default:
      // record, unknown, any...: no bound this walk can see; give it one or teach the walk.
      out.push(`${path}: ${d.type} (unbounded kind)`);
  }
  return out;
}

describe('contract limits', () => {
  it('every string and list in every call input has a maximum', () => {
    const found = Object.entries(contract).flatMap(([name, c]) => unbounded((c as { input: z.ZodType }).input, name));
    expect(found).toEqual([]);
  });

  it('the walk finds what it should (it can fail)', async () => {
    const { z: zod } = await import('zod');
    const schema = zod.object({ a: zod.string(), b: zod.array(zod.string().max(3)), c: zod.string().regex(/^x$/).optional(), d: zod.record(zod.string(), zod.number()) });
    expect(unbounded(schema, 'probe')).toEqual([
      'probe.a: string without .max()',
      'probe.b: list without .max()',
      'probe.c: string without .max()',
      'probe.d: record (unbounded kind)',
    ]);
  });

  it("the window's field limits (TEXT_LIMITS) are the contract's maxima for the fields they feed", () => {
    /** The schema at `path` under a call's input, unwrapping optional/default/pipe. */
    const at = (name: string, path: string[]): z.ZodType => {
      const unwrap = (s: z.ZodType): z.ZodType => {
        const d = def(s);
        if (d.type === 'pipe') return unwrap(d.in!);
        return ['optional', 'nullable', 'default'].includes(d.type) ? unwrap(d.innerType!) : s;
      };
      let s = unwrap((contract as unknown as Record<string, { input: z.ZodType }>)[name]!.input);
      for (const key of path) s = unwrap(def(s).shape![key]!);
      return s;
    };
    const fed: Array<[string, string[], keyof typeof TEXT_LIMITS]> = [
      ['auth.login', ['operatorId'], 'operatorId'],
      ['auth.login', ['pin'], 'pin'],
      ['security.changePin', ['newPin'], 'pin'],
      ['center.lookupPerson', ['certNo'], 'certNo'],
      ['policy.search', ['query'], 'searchQuery'],
      ['shift.cashio', ['reason'], 'note'],
      ['shift.close', ['note'], 'note'],
      ['shift.signoff', ['note'], 'note'],
      ['worklist.act', ['note'], 'note'],
      ['reconcile.resolve', ['note'], 'note'],
      ['settlement.refund', ['reason'], 'reason'],
      ['settlement.refund', ['supervisorId'], 'operatorId'],
      ['settlement.refund', ['supervisorPin'], 'pin'],
    ];
    for (const [name, path, key] of fed) expect(maxLength(at(name, path)), `${name}.${path.join('.')}`).toBe(TEXT_LIMITS[key]);
  });
});
