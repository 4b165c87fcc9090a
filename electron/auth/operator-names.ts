// An operator's display name for the other parts (a shift's report names its cashier); the
// operators table stays the auth part's.
import type { Db } from '../db/open';
import { z } from 'zod';
import { value } from '../db/sql';

/** The operator's name, or undefined if there is no such operator. */
export function operatorName(db: Db, id: string): string | undefined {
  return value(db, 'SELECT name FROM operators WHERE id = :id', { id }, z.string());
}
