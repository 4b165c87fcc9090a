// Catalogue mapping (对照) and the national catalogue sync (issue 16): the supervisor's screen
// and the window's check before settling in the national protocol.
import { z } from 'zod';
import { call } from './define';
import { TEXT_LIMITS } from './limits';

export type MappingState = 'unmapped' | 'uploading' | 'mapped' | 'rejected' | 'pending';

export interface MappingView {
  clinicCode: string;
  clinicName: string;
  clinicSpec: string | null;
  clinicUnit: string | null;
  nationalCode: string | null;
  nationalName: string | null;
  centerCode: string | null;
  origin: 'import' | 'suggested' | 'edited';
  state: MappingState;
  lastError: string | null;
  updatedBy: string;
  updatedAt: string;
}

export interface MappingSuggestion {
  nationalCode: string;
  name: string;
  spec: string | null;
  unit: string | null;
  score: number;
}

export interface MappingListView {
  rows: MappingView[];
  counts: Record<MappingState, number>;
}

export interface MappingUploadView {
  confirmed: number;
  rejected: number;
  retrying: number;
  remaining: number;
}

export interface NationalCatalogSyncView {
  kind: 'current' | 'full' | 'delta' | 'interrupted';
  seq?: number;
  pages: number;
  upserts?: number;
  deletes?: number;
}

const code = z.string().min(1).max(50);

export const mappingCalls = {
  'mapping.list': call({
    input: z.object({ query: z.string().max(64).optional(), onlyUnmapped: z.boolean().optional() }).strict(),
    role: 'supervisor',
    summary: '目录对照列表（院内编码 ↔ 医保编码）',
  }).returns<MappingListView>(),
  'mapping.import': call({
    input: z.object({ csv: z.string().max(TEXT_LIMITS.mappingCsv) }).strict(),
    role: 'supervisor',
    audit: true,
    summary: '从 HIS 导入目录对照（CSV，全部或全不）',
  }).returns<{ rows: number; mapped: number; queued: number }>(),
  'mapping.set': call({
    input: z.object({ clinicCode: code, nationalCode: code.nullable(), origin: z.enum(['edited', 'suggested']).optional() }).strict(),
    role: 'supervisor',
    audit: true,
    summary: '设置一个项目的医保编码（上传 3301，必要时先撤销 3302）',
  }).returns<MappingView>(),
  'mapping.suggest': call({
    input: z.object({ clinicCode: code }).strict(),
    role: 'supervisor',
    summary: '按名称、规格推荐医保编码',
  }).returns<MappingSuggestion[]>(),
  'mapping.check': call({
    input: z.object({ codes: z.array(code).max(500) }).strict(),
    role: 'cashier',
    summary: '结算前检查：哪些院内编码没有经中心确认的对照',
  }).returns<{ clinicCode: string; state: Exclude<MappingState, 'mapped'> }[]>(),
  'mapping.upload': call({
    input: z.object({}).strict(),
    role: 'supervisor',
    summary: '立即上传待上传的目录对照（3301 / 3302）',
  }).returns<MappingUploadView>(),
  'catalog.syncNational': call({
    input: z.object({}).strict(),
    role: 'supervisor',
    audit: true,
    summary: '同步国家医保目录（1312 / 1318 / 1319）',
  }).returns<NationalCatalogSyncView>(),
};
