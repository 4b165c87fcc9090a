// Policy verbs of the CLI: the split of a vector file (no database needed), policy import /
// status, catalog search, and the deterministic table generator.
import { dirname, resolve } from 'node:path';
import { AppError } from '../../api/result';
import { generatePolicyTable } from '../../policy/generate';
import { readBoundedFile, writePrivateFile } from '../../security/safe-files';
import { computeSplit } from '../../policy/split';
import type { BillItem, Patient, PolicyTable, Visit } from '../../policy/split/types';
import { UsageError, type Verb } from '../verb';

const POLICY_FILE_MAX_BYTES = 256 * 1024 * 1024;

/** Read and parse a JSON file, or throw the one error that means "unreadable input". */
function readJson(path: string): unknown {
  // A policy table of 300,000 entries is about 60 MB; nothing real comes near 256 MB.
  const text = readBoundedFile(path, { maxBytes: POLICY_FILE_MAX_BYTES, codePrefix: 'FILE', what: '文件', allowSymlink: true }).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AppError('FILE_NOT_JSON', `文件 ${path} 不是有效的 JSON：${e instanceof Error ? e.message : String(e)}`, { path });
  }
}

interface VectorFile {
  policy?: unknown;
  patient?: unknown;
  visit?: unknown;
  items?: unknown;
}

export const policyVerbs: Verb[] = [
  {
    name: 'split',
    usage: 'split <vector.json>',
    summary: '按测试向量格式计算分割，输出 expect 字段（含 explanation）或 {"error":"<CODE>"}；不需要数据库',
    async run(cli) {
      const [file] = cli.args;
      if (!file) throw new UsageError('缺少向量文件');
      // Deliberately no cli.app(): the engine is pure and this verb must work without a database.
      const raw = readJson(file);
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AppError('FILE_NOT_VECTOR', `文件 ${file} 不是向量对象`);
      const v = raw as VectorFile;
      const table = typeof v.policy === 'string' ? readJson(resolve(dirname(file), v.policy)) : v.policy;
      const out = computeSplit(table as PolicyTable, v.patient as Patient, v.visit as Visit, v.items as BillItem[]);
      if (!out.ok) {
        process.stderr.write(`${out.error.code}：${out.error.message}\n`);
        process.stdout.write(JSON.stringify({ error: out.error.code }) + '\n');
        return 0;
      }
      process.stdout.write(JSON.stringify(out.result, null, 2) + '\n');
      return 0;
    },
  },
  {
    name: 'policy import',
    usage: 'policy import <table.json>',
    summary: '导入政策表（policy-table/1）或变更包（policy-delta/1），校验通过后原子切换',
    async run(cli) {
      const [file] = cli.args;
      if (!file) throw new UsageError('缺少政策表文件');
      const raw = readJson(file);
      const app = await cli.app();
      const isDelta = (raw as { format?: unknown } | null)?.format === 'policy-delta/1';
      const r = isDelta ? app.policy.applyDelta(raw) : app.policy.applyTable(raw);
      const s = app.policy.status();
      cli.print({ ...r, kind: isDelta ? 'delta' : 'full', entries: s?.entries ?? 0 }, `已应用政策 ${r.version}（序号 ${r.seq}，目录 ${s?.entries ?? 0} 条）`);
      return 0;
    },
  },
  {
    name: 'policy status',
    usage: 'policy status',
    summary: '当前生效的政策表：序号、版本、有效期、目录条数',
    async run(cli) {
      const app = await cli.app();
      const s = app.policy.status();
      cli.print(
        s,
        s
          ? `政策 ${s.version}（序号 ${s.seq}），有效期 ${s.effectiveFrom} 至 ${s.effectiveTo ?? '长期'}，目录 ${s.entries} 条，应用于 ${s.appliedAt}`
          : '尚未导入政策表',
      );
      return 0;
    },
  },
  {
    name: 'catalog search',
    usage: 'catalog search <query> [--limit N]',
    summary: '搜索目录：编码前缀、名称、拼音首字母',
    async run(cli) {
      const query = cli.args.join(' ');
      if (!query.trim()) throw new UsageError('缺少搜索词');
      const limitOpt = cli.options.limit;
      const limit = typeof limitOpt === 'string' ? Number(limitOpt) : 20;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError('--limit 必须是 1–200 的整数');
      const app = await cli.app();
      const hits = app.policy.search(query, limit);
      cli.print(
        hits,
        hits.length ? hits.map((h) => `${h.code}  ${h.name}${h.spec ? ` ${h.spec}` : ''}  ${h.class}类  ${h.pinyin}`).join('\n') : '没有找到',
      );
      return 0;
    },
  },
  {
    name: 'policy generate',
    usage: 'policy generate <out.json> [--seed N] [--entries N]',
    summary: '生成确定性的大型测试政策表（默认 300000 条，种子 1）',
    async run(cli) {
      const [file] = cli.args;
      if (!file) throw new UsageError('缺少输出文件');
      const seed = Number(cli.options.seed ?? 1);
      const entries = Number(cli.options.entries ?? 300_000);
      if (!Number.isInteger(seed) || !Number.isInteger(entries) || entries < 1) throw new UsageError('--seed 与 --entries 必须是正整数');
      writePrivateFile(file, JSON.stringify(generatePolicyTable({ seed, entries })));
      cli.print({ file, seed, entries }, `已生成 ${file}（${entries} 条，种子 ${seed}）`);
      return 0;
    },
  },
];
