// Center verbs of the CLI: run the sandbox center, list its demo persons, sync the policy
// table (1399) and look a person up (1101).
import { readVariantFile } from '../../center/variant-file';
import { join } from 'node:path';
import type { CertType } from '../../center/wire/codes';
import { fenToYuan, yuanToFen } from '../../api/money';
import { DEMO_PERSONS } from '../../center/sandbox/demo-persons';
import { parseFaults } from '../../center/sandbox/faults';
import { startSandboxCenter } from '../../center/sandbox/server';
import { resolveSettings } from '../../app/config';
import { createConsoleLogger } from '../../app/log';
import { requireOption, UsageError, type CliContext, type Verb } from '../verb';

function intOption(cli: CliContext, name: string, fallback: number): number {
  const v = cli.options[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} 应为 0..65535 的整数`);
  return n;
}

function stringOption(cli: CliContext, name: string): string | undefined {
  const v = cli.options[name];
  if (v === true) throw new UsageError(`--${name} 需要一个值`);
  return v;
}

/** POST to a running sandbox center's control endpoint (loopback only). */
async function control(cli: CliContext, path: string, body: unknown): Promise<unknown> {
  const base = requireOption(cli, 'control');
  const url = new URL(path, base.endsWith('/') ? base : base + '/');
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new UsageError('--control 只能是本机地址（127.0.0.1）');
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  } catch (e) {
    throw new UsageError(`无法连接沙箱中心控制端口 ${base}：${e instanceof Error ? e.message : String(e)}`);
  }
  const value = (await res.json()) as unknown;
  if (!res.ok) throw new UsageError(`控制端口拒绝：${JSON.stringify(value)}`);
  return value;
}

/** Resolves on SIGINT / SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export const centerVerbs: Verb[] = [
  {
    name: 'center serve',
    usage: 'center serve [--port N] [--control-port N] [--data-dir DIR] [--institution CODE] [--secret S] [--faults SPEC]',
    summary: '启动沙箱医保中心（仅 127.0.0.1）；打印地址；Ctrl+C 停止',
    async run(cli) {
      // The same settings as the app (flags, environment, defaults) unless given here.
      const settings = resolveSettings({ flags: cli.settingFlags, env: process.env });
      let faults;
      try {
        faults = parseFaults(stringOption(cli, 'faults') ?? '');
      } catch (e) {
        throw new UsageError(`--faults 不正确：${e instanceof Error ? e.message : String(e)}`);
      }
      const center = await startSandboxCenter({
        dataDir: join(cli.dataDir, 'sandbox-center'),
        institutionCode: stringOption(cli, 'institution') ?? settings.institutionCode,
        secret: stringOption(cli, 'secret') ?? settings.institutionSecret,
        port: intOption(cli, 'port', 0),
        controlPort: intOption(cli, 'control-port', 0),
        faults,
        nationalVariant: readVariantFile(settings.nationalVariant),
        log: createConsoleLogger(),
      });
      // One JSON line first, so scripts and tests can read the ports.
      process.stdout.write(JSON.stringify({ url: center.url, controlUrl: center.controlUrl, institutionCode: stringOption(cli, 'institution') ?? settings.institutionCode, faults: center.faults }) + '\n');
      if (!cli.json) process.stderr.write(`沙箱医保中心：${center.url}/tx　控制端口：${center.controlUrl}　（Ctrl+C 停止）\n`);
      await untilStopped();
      await center.close();
      return 0;
    },
  },
  {
    name: 'center fault',
    usage: 'center fault --control URL (SPEC | --clear)',
    summary: '对运行中的沙箱中心施加故障（语法同 --faults），或 --clear 清除全部故障',
    booleans: ['clear'],
    async run(cli) {
      if (cli.options.clear === true) {
        cli.print(await control(cli, 'faults/clear', {}), '已清除全部故障');
        return 0;
      }
      const spec = cli.args.join(',');
      if (!spec) throw new UsageError('缺少故障说明，例如 busy=2@2207 或 refuse');
      let patch;
      try {
        patch = parseFaults(spec);
      } catch (e) {
        throw new UsageError(`故障说明不正确：${e instanceof Error ? e.message : String(e)}`);
      }
      const now = await control(cli, 'faults', patch);
      cli.print(now, `已设置：${JSON.stringify(now)}`);
      return 0;
    },
  },
  {
    name: 'center publish-policy',
    usage: 'center publish-policy --control URL [--version V] [--delete CODE,CODE]',
    summary: '让运行中的沙箱中心发布一次目录变更（新 seq，客户端以增量获取）',
    async run(cli) {
      const version = stringOption(cli, 'version');
      const deletes = stringOption(cli, 'delete');
      const body = { ...(version ? { version } : {}), ...(deletes ? { deletes: deletes.split(',').filter(Boolean) } : {}) };
      const r = (await control(cli, 'policy/publish', body)) as { seq: number; version: string };
      cli.print(r, `已发布目录 seq ${r.seq}（${r.version}）`);
      return 0;
    },
  },
  {
    name: 'center notice',
    usage: 'center notice --control URL --type paid|rejected|deducted [--setl-id ID] [--amount YUAN] [--reason-code C] [--reason TEXT]',
    summary: '让运行中的沙箱中心发出回款 / 拒付 / 扣款通知（3301 可取）',
    async run(cli) {
      const type = requireOption(cli, 'type');
      if (!['paid', 'rejected', 'deducted'].includes(type)) throw new UsageError('--type 应为 paid、rejected 或 deducted');
      const amount = stringOption(cli, 'amount');
      let fen: number | undefined;
      if (amount !== undefined) {
        try {
          fen = yuanToFen(amount);
        } catch {
          throw new UsageError('--amount 应为两位小数的元，如 12.30');
        }
      }
      const setlId = stringOption(cli, 'setl-id');
      const reasonCode = stringOption(cli, 'reason-code');
      const reason = stringOption(cli, 'reason');
      const body = { type, ...(setlId ? { setlId } : {}), ...(fen !== undefined ? { amount: fen } : {}), ...(reasonCode ? { reasonCode } : {}), ...(reason ? { reason } : {}) };
      const r = (await control(cli, 'notices', body)) as unknown[];
      cli.print(r, `已发出 ${r.length} 条通知`);
      return 0;
    },
  },
  {
    name: 'center persons',
    usage: 'center persons [--json]',
    summary: '列出沙箱中心的示范参保人（卡号、卡识别码、电子凭证、身份证号）',
    async run(cli) {
      cli.print(
        DEMO_PERSONS,
        DEMO_PERSONS.map((p) => `${p.psn_no}  ${p.psn_name}\t${p.insutype}/${p.psn_type}  身份证 ${p.certno}  卡 ${p.card_no}/${p.card_sn}  凭证 ${p.ec_token}  — ${p.note}`).join('\n'),
      );
      return 0;
    },
  },
  {
    name: 'policy sync',
    usage: 'policy sync',
    summary: '向医保中心同步目录与政策（1399）：增量或全量，失败则目录不变',
    async run(cli) {
      const app = await cli.app();
      await app.center.probeNow();
      const off = app.center.onSyncProgress((p) => {
        if (p.phase === 'downloading' && !cli.json) process.stderr.write(`\r下载中 ${p.receivedBytes ?? 0}${p.totalBytes ? `/${p.totalBytes}` : ''} 字节`);
        if (p.phase === 'applying' && !cli.json) process.stderr.write('\n校验并切换目录…\n');
      });
      try {
        const r = await app.center.syncPolicy();
        app.audit.append({ action: 'center.syncPolicy', subject: String(r.seq), detail: { kind: r.kind, via: 'cli' } });
        cli.print(r, r.kind === 'current' ? `目录已是最新（seq ${r.seq}）` : `目录已更新（${r.kind === 'delta' ? '增量' : '全量'}），seq ${r.seq}`);
        return 0;
      } finally {
        off();
      }
    },
  },
  {
    name: 'person lookup',
    usage: 'person lookup --cert-type 01|02|03 --cert-no NO [--card-sn SN]',
    summary: '查询参保人（1101）；中心不通时用本地缓存并显示缓存时间',
    async run(cli) {
      const certType = requireOption(cli, 'cert-type');
      if (!['01', '02', '03'].includes(certType)) throw new UsageError('--cert-type 应为 01（电子凭证）、02（身份证号）或 03（社保卡号）');
      const certNo = requireOption(cli, 'cert-no');
      const cardSn = stringOption(cli, 'card-sn');
      const app = await cli.app();
      await app.center.probeNow();
      const p = await app.center.lookupPerson({ certType: certType as CertType, certNo, ...(cardSn ? { cardSn } : {}) });
      const ageMin = Math.round((app.clock.now().getTime() - Date.parse(p.cachedAt)) / 60_000);
      cli.print(
        p,
        [
          `${p.name}（${p.psnNo}） ${p.gender === 'male' ? '男' : p.gender === 'female' ? '女' : ''} ${p.birthDate}`,
          `险种 ${p.insutype}（${p.insuranceType}） 人员类别 ${p.psnType}（${p.personGroup}） 状态 ${p.status}`,
          `账户余额 ${fenToYuan(p.accountBalance)} 元　参保地 ${p.insuplcAdmdvs}`,
          p.source === 'live' ? '来源：中心实时' : `来源：本地缓存（${ageMin} 分钟前）`,
        ].join('\n'),
      );
      return 0;
    },
  },
];
