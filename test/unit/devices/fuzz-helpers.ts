// Shared checks for parser fuzzing: every outcome is a value or a clear error.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { ParseError } from '../../../native/protocols/result';

export function expectClearError(e: ParseError): void {
  expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  // A Chinese message the cashier can read.
  expect(e.message).toMatch(/[\u4e00-\u9fff]/);
}

/** Random byte chunks. */
export const chunks = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 });

/** A valid frame with a few bytes flipped, dropped or inserted. */
export function mutated(valid: Uint8Array) {
  return fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
        fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((muts) => {
      const b = [...valid];
      for (const m of muts) {
        const at = b.length ? m.at % b.length : 0;
        if (m.kind === 'flip') b[at] = (b[at] ?? 0) ^ (1 << m.bit);
        else if (m.kind === 'drop') b.splice(at, 1);
        else b.splice(at, 0, m.byte);
      }
      return Uint8Array.from(b);
    });
}

export const FUZZ_RUNS = 400;
