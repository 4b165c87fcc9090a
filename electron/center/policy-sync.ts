// Policy sync (1399): ask with the held seq, apply a delta or a full table through the
// policy part's validation and atomic switch. A bad or truncated download changes nothing.
import { AppError, isAppError } from '../api/result';
import type { PolicySyncView } from '../api/contract/center';
import type { PolicyPart } from '../policy/part';
import type { CenterOutcome, SendOptions } from './client';
import { policyOutputSchema } from './wire/policy';

/** What the sync needs of the policy part. */
export type PolicySink = Pick<PolicyPart, 'currentSeq' | 'applyTable' | 'applyDelta'>;

export interface SyncProgress {
  phase: 'asking' | 'downloading' | 'applying' | 'done';
  receivedBytes?: number;
  totalBytes?: number | null;
}

export interface PolicySyncDeps {
  sink: PolicySink;
  send(infno: string, input: object, opts?: SendOptions): Promise<CenterOutcome>;
  onProgress?: (p: SyncProgress) => void;
}

/** Tables are the one big answer; they still have a ceiling. */
export const POLICY_MAX_BYTES = 64 * 1024 * 1024;

async function ask(deps: PolicySyncDeps, seq: number) {
  deps.onProgress?.({ phase: 'asking' });
  const outcome = await deps.send('1399', { data: { seq } }, {
    timeoutMs: 120_000,
    maxResponseBytes: POLICY_MAX_BYTES,
    onProgress: (receivedBytes, totalBytes) => deps.onProgress?.({ phase: 'downloading', receivedBytes, totalBytes }),
  });
  if (outcome.kind !== 'success') {
    const why = outcome.kind === 'unknown' ? outcome.reason : outcome.message;
    throw new AppError('POLICY_SYNC_FAILED', `目录同步失败：${why}。当前目录不变。`, { kind: outcome.kind });
  }
  const parsed = policyOutputSchema.safeParse(outcome.output);
  if (!parsed.success) {
    throw new AppError('POLICY_SYNC_FAILED', '目录同步失败：中心返回的目录数据格式不正确。当前目录不变。', {
      issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
}

export async function syncPolicy(deps: PolicySyncDeps): Promise<PolicySyncView> {
  const sink = deps.sink;
  const held = sink.currentSeq();
  let answer = await ask(deps, held);
  if (answer.kind === 'current') {
    deps.onProgress?.({ phase: 'done' });
    return { kind: 'current', seq: held };
  }
  if (answer.kind === 'delta') {
    deps.onProgress?.({ phase: 'applying' });
    try {
      const r = sink.applyDelta(answer.delta);
      deps.onProgress?.({ phase: 'done' });
      return { kind: 'delta', seq: r.seq };
    } catch (e) {
      // The delta does not fit what we hold: ask for the whole table instead (seq 0).
      if (!isAppError(e) || e.code !== 'POLICY_DELTA_MISMATCH') throw e;
      answer = await ask(deps, 0);
      if (answer.kind !== 'full') throw new AppError('POLICY_SYNC_FAILED', '目录同步失败：中心未提供完整目录。当前目录不变。');
    }
  }
  if (answer.kind !== 'full') throw new AppError('POLICY_SYNC_FAILED', '目录同步失败：中心应答不完整。当前目录不变。');
  deps.onProgress?.({ phase: 'applying' });
  const r = sink.applyTable(answer.table);
  deps.onProgress?.({ phase: 'done' });
  return { kind: 'full', seq: r.seq };
}
