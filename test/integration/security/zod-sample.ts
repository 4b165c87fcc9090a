// Builds a valid sample input for any zod schema of the contract, so the role walk can reach
// the role gate of every call (the dispatch validates input before it authorizes). Each leaf
// tries a few plausible values and keeps the first its own schema accepts; the caller checks
// the whole result against the call's schema.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  options?: z.ZodType[];
  in?: z.ZodType;
  getter?: () => z.ZodType;
  items?: z.ZodType[];
}

const STRINGS = ['1001', 'x', '2026-03-15', '110101199003071234', '01', 'H99010000001', '100.00', 'abc', 'ABCDEFGHIJKL', 'a'.repeat(30), 'ab'.repeat(32)];
const NUMBERS = [1, 0, 100, 2026, 0.5];

function def(s: z.ZodType): Def {
  return (s as unknown as { _zod: { def: Def } })._zod.def;
}

function firstValid(s: z.ZodType, candidates: unknown[]): unknown {
  return candidates.find((c) => s.safeParse(c).success) ?? candidates[0];
}

export function sampleFor(s: z.ZodType, depth = 0): unknown {
  if (depth > 8) return undefined;
  const d = def(s);
  switch (d.type) {
    case 'string':
      return firstValid(s, STRINGS);
    case 'number':
    case 'int':
      return firstValid(s, NUMBERS);
    case 'bigint':
      return 1n;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'undefined':
    case 'void':
      return undefined;
    case 'any':
    case 'unknown':
      return {};
    case 'date':
      return new Date('2026-03-15T09:00:00+08:00');
    case 'enum':
      return Object.values(d.entries ?? {})[0];
    case 'literal':
      return d.values?.[0];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return sampleFor(d.innerType!, depth + 1);
    case 'pipe':
      return sampleFor(d.in!, depth + 1);
    case 'lazy':
      return sampleFor(d.getter!(), depth + 1);
    case 'array': {
      const one = [sampleFor(d.element!, depth + 1)];
      return s.safeParse([]).success && !s.safeParse(one).success ? [] : one;
    }
    case 'tuple':
      return (d.items ?? []).map((i) => sampleFor(i, depth + 1));
    case 'record':
    case 'map':
      return {};
    case 'union': {
      const tries = (d.options ?? []).map((o) => sampleFor(o, depth + 1));
      return firstValid(s, tries);
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.shape ?? {})) out[k] = sampleFor(v, depth + 1);
      return out;
    }
    default:
      return undefined;
  }
}
