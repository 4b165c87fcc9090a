// Loads the split vectors: the agreed ones from the project's fixtures (copies of
// ../shared/split-vectors, kept identical), and the project's own (split-vectors-project/:
// the extensions of docs/SPLIT.md, computed by hand, the arithmetic in each file's `notes`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BillItem, Patient, PolicyTable, Visit } from '../../../electron/policy/split/types';

export const VECTOR_DIR = join(import.meta.dirname, '../../fixtures/split-vectors');
export const PROJECT_VECTOR_DIR = join(import.meta.dirname, '../../fixtures/split-vectors-project');

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
  /** The hand arithmetic (project vectors). */
  notes?: string[];
}

/** The agreed vectors (../shared/split-vectors); `dir` = the project's own with PROJECT_VECTOR_DIR. */
export function loadVectors(dir = VECTOR_DIR): Vector[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const v = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Vector, 'file' | 'table'>;
      const table = JSON.parse(readFileSync(join(dir, v.policy), 'utf8')) as PolicyTable;
      return { ...v, file, table };
    });
}

export const loadProjectVectors = (): Vector[] => loadVectors(PROJECT_VECTOR_DIR);
