// Policy calls: the table in force, catalog search for the bill screen.
import { z } from 'zod';
import type { CatalogEntry } from '../../policy/split/types';
import { call } from './define';

/** The policy table in force. */
export interface PolicyStatus {
  seq: number;
  version: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** ISO time it was applied on this machine. */
  appliedAt: string;
  /** Catalog entries in this table. */
  entries: number;
}

/** A catalog entry found by search, with its pinyin initials (阿莫西林胶囊 → amxljn). */
export type CatalogHit = CatalogEntry & { pinyin: string };

export const policyCalls = {
  'policy.status': call({ input: z.object({}).strict(), role: 'cashier', summary: '当前政策表版本' }).returns<PolicyStatus | null>(),
  'policy.search': call({
    input: z.object({ query: z.string().max(64), limit: z.number().int().min(1).max(200).optional() }).strict(),
    role: 'cashier',
    summary: '搜索目录：编码前缀、名称、拼音首字母',
  }).returns<CatalogHit[]>(),
};
