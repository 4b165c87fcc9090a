// An operator's display name for the other parts (a shift's report names its cashier); the
// operators table stays the auth part's.
import type { Db } from '../db/open';
import { stmt } from '../db/statements';

/** The operator's name, or undefined if there is no such operator. */
export function operatorName(db: Db, id: string): string | undefined {
  return stmt(db, 'SELECT name FROM operators WHERE id = ?').pluck().get(id) as string | undefined;
}
