// 1399 (policy table, extension): the answer's outer shape. PURE. The table and delta inside
// are validated by the policy part (applyTable/applyDelta), which owns policy-table/1.
import { z } from 'zod';

export const policyOutputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('current') }),
  z.object({ kind: z.literal('delta'), delta: z.object({ format: z.literal('policy-delta/1'), fromSeq: z.number().int(), toSeq: z.number().int() }).passthrough() }),
  z.object({ kind: z.literal('full'), table: z.object({ format: z.literal('policy-table/1'), seq: z.number().int() }).passthrough() }),
]);

export type PolicyOutput = z.infer<typeof policyOutputSchema>;
