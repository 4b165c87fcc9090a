// Center calls: connectivity, person lookup (1101), policy sync (1399), demo switches.
import { z } from 'zod';
import { call } from './define';

/** Year-to-date accumulators (SPLIT-MODEL.md step 6/10): {key: {eligible, fundPaid}}, criticalBurden, criticalPaid. */
export type AccumulatorsView = Record<string, { eligible: number; fundPaid: number } | number>;

/** A person as the center's answers (1101, 5206) describe them: what both protocols read. */
export interface PersonCore {
  psnNo: string;
  name: string;
  /** 'male' | 'female' | 'unknown' */
  gender: string;
  birthDate: string;
  certNo: string;
  /** National codes: 310 employee, 390 resident. */
  insutype: string;
  psnType: string;
  /** Split-model codes: 'employee' | 'resident' | …; 'active' | 'retired' | 'student' | 'adult' | …; 'active' | 'suspended'. */
  insuranceType: string;
  personGroup: string;
  status: string;
  /** fen */
  accountBalance: number;
  insuplcAdmdvs: string;
  accumulators: AccumulatorsView;
  /** Our protocol: the 5301/5302 equivalents carried in the 1101 answer (same age as it); absent = not told. */
  filings?: ChronicFiling[];
  bindings?: ClinicBinding[];
}

/** A person as the center (1101) described them, from the live answer or the local cache. */
export interface PersonView extends PersonCore {
  source: 'live' | 'cache';
  /** ISO time of the center's answer this view comes from (its age when source = 'cache'). */
  cachedAt: string;
  /** National protocol only: 2001, 5301 and 5302 beside 1101 and 5206. */
  national?: NationalPersonFacts;
}

/** One chronic/special-disease filing (5301 门慢门特备案). */
export interface ChronicFiling {
  /** 门慢门特病种代码 as the center gives it (e.g. E11). */
  code: string;
  name: string;
  /** yyyy-MM-dd; end null = open-ended. */
  begin: string;
  end: string | null;
  /** In force on the day of the lookup. */
  valid: boolean;
}

/** One clinic binding (5302 定点备案). */
export interface ClinicBinding {
  /** biz_appy_type: '01' 普通门诊统筹, '02' 门慢门特. */
  bizType: string;
  institutionCode: string;
  institutionName: string;
  begin: string;
  end: string | null;
  valid: boolean;
  /** Bound to this clinic (the institution code in settings). */
  here: boolean;
}

export interface NationalPersonFacts {
  /** 2001 treatment check: may the person be settled (trt_enjymnt_flag), and why not. */
  treatment: { entitled: boolean; reason: string | null; fundPayTypes: string[] };
  /** 5301; null = not known (never answered and not cached). */
  filings: ChronicFiling[] | null;
  /** 5302; null = not known. */
  bindings: ClinicBinding[] | null;
  /** ISO time each part was answered by the center (older than cachedAt when a part came from the cache). */
  partsAt: { treatment: string; accumulators: string; filings: string | null; bindings: string | null };
}

export interface CenterStatusView {
  mode: 'online' | 'offline';
  sandbox: boolean;
  url: string;
  lastContactAt: string | null;
  lastError: string | null;
  /** ms until the next reachability probe while offline, null when online / not probing. */
  nextProbeInMs: number | null;
  signedIn: boolean;
}

export interface PolicySyncView {
  kind: 'current' | 'delta' | 'full';
  seq: number;
}

/** One demo person of the sandbox center, with every credential a reader could produce. */
export interface DemoPerson {
  psn_no: string;
  psn_name: string;
  gend: '1' | '2';
  brdy: string;
  certno: string;
  card_no: string;
  card_sn: string;
  ec_token: string;
  insutype: '310' | '390';
  psn_type: string;
  psn_insu_stas: string;
  insuplc_admdvs: string;
  /** Account balance at the start of the demo year, yuan string. */
  balc: string;
  /** The social security card's basic data: 11 fields each followed by '|'. */
  card_data: string;
  /** What this person demonstrates (Chinese). */
  note: string;
}

/** mdtrt_cert_type: 01 e-voucher token, 02 resident ID number, 03 social security card number. The one definition. */
export const certTypeSchema = z.enum(['01', '02', '03']);
export type CertType = z.infer<typeof certTypeSchema>;

export const centerCalls = {
  'center.status': call({ input: z.object({}).strict(), role: 'public', summary: '医保中心连接状态' }).returns<CenterStatusView>(),
  'center.lookupPerson': call({
    input: z
      .object({
        certType: certTypeSchema,
        certNo: z.string().trim().min(1).max(64),
        cardSn: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    role: 'cashier',
    summary: '查询参保人信息（1101；离线时用本地缓存）',
  }).returns<PersonView>(),
  'center.syncPolicy': call({ input: z.object({}).strict(), role: 'cashier', summary: '立即同步医保目录与政策（1399）', audit: true }).returns<PolicySyncView>(),
  'center.sandboxOffline': call({
    input: z.object({ offline: z.boolean() }).strict(),
    role: 'cashier',
    summary: '演示：让沙箱中心拒绝连接 / 恢复',
    audit: true,
  }).returns<{ offline: boolean }>(),
  'center.demoPersons': call({ input: z.object({}).strict(), role: 'public', summary: '演示：沙箱中心的示范参保人及其卡数据' }).returns<DemoPerson[]>(),
};
