// Settings: each can be given by CLI flag, by environment variable, or stored in the data
// dir's database; the first found wins in that order, then the embedded default.
import { z } from 'zod';
import { shownSetting } from '../api/redact';
import { AppError } from '../api/result';
import { parseFaults } from '../center/sandbox/faults';
import { parseTraceFormats } from '../settlement/trace-format';

/** A yes/no setting: a JSON boolean when stored, text from a flag or the environment. */
const flagSetting = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

/** Every setting: its flag (--kebab-case), its environment variable, its schema and default. */
export const SETTINGS = {
  centerUrl: { env: 'CASHIER_CENTER_URL', schema: z.string().url().or(z.literal('')), default: '', doc: '医保中心地址；空 = 启动内置沙箱中心' },
  institutionCode: { env: 'CASHIER_INSTITUTION_CODE', schema: z.string().min(1).max(12), default: 'H99010000001', doc: '定点医药机构编码' },
  // Two digits in every message id, so the clinic's windows never make the same one; '' = drawn once per installation (electron/center/terminal.ts).
  terminalNo: { env: 'CASHIER_TERMINAL_NO', schema: z.string().regex(/^\d{0,2}$/).transform((s) => (s === '' ? '' : s.padStart(2, '0'))), default: '', doc: '收费窗口（终端）号 00–99，同一机构的各窗口必须不同；空 = 本机首次使用时在 50–99 中自动选定' },
  institutionName: { env: 'CASHIER_INSTITUTION_NAME', schema: z.string().min(1), default: '示范社区卫生服务中心', doc: '机构名称（小票抬头）' },
  institutionSecret: { env: 'CASHIER_INSTITUTION_SECRET', schema: z.string().min(8), default: 'sandbox-secret-0001', doc: '报文签名密钥 (HMAC)' },
  areaCode: { env: 'CASHIER_AREA_CODE', schema: z.string().regex(/^\d{6}$/), default: '990100', doc: '就医地医保区划' },
  // Which wire the center speaks: our simplified protocol (CENTER-PROTOCOL.md) or the national platform's chain (NATIONAL-PLATFORM.md; docs/CENTER.md "Two adapters").
  centerProtocol: { env: 'CASHIER_CENTER_PROTOCOL', schema: z.enum(['simple', 'national']), default: 'simple', doc: '医保中心接口：simple = 本项目简化接口，national = 国家医保信息平台接口' },
  nationalVariant: { env: 'CASHIER_NATIONAL_VARIANT', schema: z.string(), default: '', doc: '国家平台接口的地区配置 JSON 文件（字段名、字典、接收方系统代码、超时）；空 = 国家默认' },
  centerCaFile: { env: 'CASHIER_CENTER_CA_FILE', schema: z.string(), default: '', doc: '私有网络的 CA 证书文件（可选，固定信任）' },
  readers: { env: 'CASHIER_READERS', schema: z.string(), default: 'emulated', doc: '读卡器：emulated 或 协议@端口[:波特率]，逗号分隔' },
  printer: { env: 'CASHIER_PRINTER', schema: z.string(), default: 'preview', doc: '小票打印机：preview、serial:PATH?baud=N、tcp:HOST:PORT、file:PATH' },
  printerProfile: { env: 'CASHIER_PRINTER_PROFILE', schema: z.enum(['58mm', '80mm']), default: '80mm', doc: '纸宽' },
  offlineLimitPerSettlement: { env: 'CASHIER_OFFLINE_LIMIT_PER_SETTLEMENT', schema: z.coerce.number().int().nonnegative(), default: 500000, doc: '单笔离线结算上限（分）' },
  offlineLimitPerDay: { env: 'CASHIER_OFFLINE_LIMIT_PER_DAY', schema: z.coerce.number().int().nonnegative(), default: 5000000, doc: '每日离线结算累计上限（分）' },
  uploadDeadlineHours: { env: 'CASHIER_UPLOAD_DEADLINE_HOURS', schema: z.coerce.number().int().positive(), default: 24, doc: '上传时限（小时）' },
  // Minutes without a call before a session locks (electron/auth/auth-service.ts); the window
  // runs the same timer (system.info idleLockMs) so the lock screen shows at that time.
  idleLockMinutes: { env: 'CASHIER_IDLE_LOCK_MINUTES', schema: z.coerce.number().positive().max(1440), default: 15, doc: '无操作自动锁屏（分钟）' },
  // Online, the center's answer is part of settling (issue 13): the receipt waits this long for
  // it, then prints the center's figures — or, when no answer came, a provisional (暂存) receipt.
  centerAnswerWaitSeconds: { env: 'CASHIER_CENTER_ANSWER_WAIT_SECONDS', schema: z.coerce.number().min(0).max(30), default: 3, doc: '联网结算后等待中心答复的秒数（再打印小票）；0 = 不等待，直接打印暂存小票' },
  backupDir: { env: 'CASHIER_BACKUP_DIR', schema: z.string(), default: '', doc: '定时备份目录；空 = 数据目录下 backups/' },
  billInboxDir: { env: 'CASHIER_BILL_INBOX', schema: z.string(), default: '', doc: 'HIS 账单投放目录；空 = 数据目录下 inbox/' },
  // Demo mode only: what the embedded sandbox center should do wrong, in `center serve --faults`
  // syntax (e.g. reject-item=CODE:reason), so a rejection or a busy center can be shown without
  // a second program.
  sandboxFaults: {
    env: 'CASHIER_SANDBOX_FAULTS',
    schema: z.string().superRefine((spec, ctx) => {
      try {
        parseFaults(spec);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
    default: '',
    doc: '演示模式：内置沙箱中心的故障注入（同 center serve --faults，如 reject-item=编码:原因）',
  },
  // Many windows, one clinic (electron/clinic, docs/CLINIC.md): '' = this window alone.
  clinicDatabaseUrl: { env: 'CASHIER_CLINIC_DATABASE_URL', schema: z.string().regex(/^(postgres|postgresql):\/\/\S+$/, 'postgresql://user:password@host:port/db').or(z.literal('')), default: '', doc: '诊所汇总 PostgreSQL 地址（本窗口的登录角色）；空 = 单窗口，不汇总' },
  clinicDatabaseTls: { env: 'CASHIER_CLINIC_DATABASE_TLS', schema: z.enum(['auto', 'verify', 'disable']), default: 'auto', doc: '连接 PostgreSQL 的 TLS：auto = 本机回环不加密、其他主机校验证书；verify = 总是校验证书；disable = 不加密（仅限同一台机器）' },
  clinicDatabaseCaFile: { env: 'CASHIER_CLINIC_DATABASE_CA_FILE', schema: z.string(), default: '', doc: 'PostgreSQL 服务器证书的 CA 文件（私有 CA，可选）' },
  clinicKey: { env: 'CASHIER_CLINIC_KEY', schema: z.string().regex(/^([0-9a-fA-F]{64})?$/, '64 hex digits'), default: '', doc: '诊所患者身份加密密钥（64 位十六进制，各窗口相同）；空 = 由机构签名密钥派生' },
  // Drug traceability codes (issue 17, docs/TRACEABILITY.md). Required by the fund since
  // 2025-07-01 ("无码不结算"); off by default only because bills from an HIS or a file carry no
  // codes yet: a deployment that scans at the window turns it on.
  traceCodesRequired: { env: 'CASHIER_TRACE_CODES_REQUIRED', schema: flagSetting, default: false, doc: '药品追溯码必扫：开启后药品行须扫满每个包装的追溯码（或走无码登记）才能结算' },
  traceCodeFormats: {
    env: 'CASHIER_TRACE_CODE_FORMATS',
    schema: z.string().superRefine((spec, ctx) => {
      try {
        parseTraceFormats(spec);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
    default: '',
    doc: '除常用 20 位（8 开头）追溯码外接受的格式：JSON 数组 [{"name":"…","pattern":"^…$"}]；空 = 只接受常用格式',
  },
  // The hospital window (issue 19, docs/INPATIENT.md): some regions settle part-way through a long stay (中途结算).
  inpatientMidStaySettlement: { env: 'CASHIER_INPATIENT_MID_STAY', schema: flagSetting, default: true, doc: '住院中途结算：本地区允许时开启（关闭后只能出院结算）' },
  traceNoCodeFundRefuses: { env: 'CASHIER_TRACE_NO_CODE_FUND_REFUSES', schema: flagSetting, default: false, doc: '本地医保不支付无码药品：开启后无码登记的药品行只能按自费结算' },
  // Dispensing stock per batch (issue 17, docs/STOCK.md). Off by default: a clinic that keeps
  // its drug stock here turns it on once its batches are entered.
  stockKeeping: { env: 'CASHIER_STOCK_KEEPING', schema: flagSetting, default: false, doc: '药品库存管理（按批次）：开启后结算扣减、退费恢复库存，并向中心上报进销存' },
  stockAllowNegative: { env: 'CASHIER_STOCK_ALLOW_NEGATIVE', schema: flagSetting, default: false, doc: '允许超库存销售：关闭（默认）时库存不足的药品行不能结算' },
  stockExpiryWarnDays: { env: 'CASHIER_STOCK_EXPIRY_WARN_DAYS', schema: z.coerce.number().int().min(1).max(730), default: 90, doc: '近效期提醒：距失效日期不足该天数的批次列为近效期' },
  hisPort: { env: 'CASHIER_HIS_PORT', schema: z.coerce.number().int().min(0).max(65535), default: 0, doc: 'HIS 账单接口端口（仅 127.0.0.1）；0 = 每次启动随机端口，地址见 his-endpoint.json' },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

export function flagName(key: SettingKey): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export interface SettingSources {
  flags?: Partial<Record<SettingKey, string>>;
  env?: NodeJS.ProcessEnv;
  stored?: Partial<Record<SettingKey, unknown>>;
}

/** Resolve every setting; a bad value anywhere is a SETTING_INVALID error naming it. */
export function resolveSettings(src: SettingSources): Settings {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const def = SETTINGS[key];
    const raw = src.flags?.[key] ?? src.env?.[def.env] ?? src.stored?.[key] ?? def.default;
    const parsed = def.schema.safeParse(raw);
    if (!parsed.success) {
      throw new AppError('SETTING_INVALID', `设置项 ${key}（${def.doc}）的值无效：${String(shownSetting(key, String(raw)))}`, { key });
    }
    out[key] = parsed.data;
  }
  return out as Settings;
}
