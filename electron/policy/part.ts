// The policy part of the app: the policy tables in SQLite (history by seq, atomic switch),
// the table effective on a date for the split engine, and catalog search.
import type { CoreApp } from '../app/core';
import { CatalogSearch, DEFAULT_LIMIT, type CatalogHit } from './search';
import { PolicyStore, type PolicyStatus } from './store';
import type { CatalogEntry, PolicyTable } from './split/types';

export function createPolicyPart(core: CoreApp) {
  const store = new PolicyStore(core.db, core.clock);
  const catalog = new CatalogSearch(core.db, store);

  /** The status bar's policy slice (seq, version, when applied) follows the table in force. */
  const publish = () => {
    const st = store.status();
    core.status.set('policy', st ? { seq: st.seq, version: st.version, appliedAt: st.appliedAt } : { seq: 0, version: null, appliedAt: null });
  };
  const announce = (kind: 'full' | 'delta', r: { seq: number; version: string }) => {
    core.log.info('policy applied', { kind, ...r });
    core.audit.append({ action: `policy.apply.${kind}`, subject: String(r.seq), detail: { version: r.version } });
    publish();
  };
  publish();

  return {
    /** Validate a policy-table/1, store it, switch to it. Throws AppError('POLICY_INVALID', …, {path}) and changes nothing on bad input. */
    applyTable(raw: unknown): { seq: number; version: string } {
      const r = store.applyTable(raw);
      announce('full', r);
      return r;
    },
    /** A policy-delta/1 on the table at fromSeq exactly; else AppError('POLICY_DELTA_MISMATCH'). */
    applyDelta(raw: unknown): { seq: number; version: string } {
      const r = store.applyDelta(raw);
      announce('delta', r);
      return r;
    },
    /** 0 when no table has been applied. */
    currentSeq(): number {
      return store.currentSeq();
    },
    status(): PolicyStatus | null {
      return store.status();
    },
    /** Every applied seq, oldest first. */
    history(): PolicyStatus[] {
      return store.history();
    },
    /** The table effective on `date`, with only the entries for `codes`; AppError('POLICY_NOT_EFFECTIVE') when none. */
    tableFor(date: string, codes: string[]): { seq: number; table: PolicyTable } {
      return store.tableFor(date, codes);
    },
    /** The regional rules of the table in force (schemes, region, period), or null before any table. */
    currentRules() {
      return store.currentRules();
    },
    /** The highest seq ever applied. */
    latestSeq(): number {
      return store.latestSeq();
    },
    /** One entry of the table in force, or null. */
    entry(code: string): CatalogEntry | null {
      return store.entry(code);
    },
    search(query: string, limit = DEFAULT_LIMIT): CatalogHit[] {
      return catalog.search(query, limit);
    },
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type PolicyPart = ReturnType<typeof createPolicyPart>;
