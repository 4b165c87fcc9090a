// Loads the split vectors from the project's fixtures (copies of ../shared/split-vectors).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BillItem, Patient, PolicyTable, Visit } from '../../../electron/policy/split/types';

export const VECTOR_DIR = join(import.meta.dirname, '../../fixtures/split-vectors');

export interface Vector {
  file: string;
  name: string;
  policy: string;
  table: PolicyTable;
  patient: Patient;
  visit: Visit;
  items: BillItem[];
  expect?: Record<string, unknown>;
  expectError?: string;
}

export function loadVectors(): Vector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const v = JSON.parse(readFileSync(join(VECTOR_DIR, file), 'utf8')) as Omit<Vector, 'file' | 'table'>;
      const table = JSON.parse(readFileSync(join(VECTOR_DIR, v.policy), 'utf8')) as PolicyTable;
      return { ...v, file, table };
    });
}
