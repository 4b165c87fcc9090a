// Device verbs of the CLI: list devices, read one card from a serial reader, print a test
// page or a settlement's receipt to a given printer.
import { chinaDate, chinaDateTime } from '../../app/clock';
import { AppError } from '../../api/result';
import { PROFILES } from '../../../native/escpos/profiles';
import { buildReceipt, buildTestPage } from '../../../native/escpos/receipt';
import { SerialLink } from '../../../native/link/serial-link';
import { parsePrinterSpec, printerSpecText } from '../../../native/printers/printer-spec';
import { probePrinter, sendToPrinter } from '../../../native/printers/transport';
import type { CardRead } from '../../api/contract/device';
import type { ParseError } from '../../../native/protocols/result';
import { startDriver } from '../../devices/reader-manager';
import { requireOption, UsageError, type CliContext, type Verb } from '../verb';

const READ_PROTOCOLS = ['idcard', 'ssc-text', 'voucher-line', 'number-line'] as const;
type ReadProtocol = (typeof READ_PROTOCOLS)[number];

function positiveInt(cli: CliContext, name: string, fallback: number, max: number): number {
  const v = cli.options[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} 应为 1..${max} 的整数`);
  return n;
}

function profileOption(cli: CliContext, fallback: '58mm' | '80mm') {
  const v = cli.options.profile;
  if (v === undefined) return PROFILES[fallback];
  if (v !== '58mm' && v !== '80mm') throw new UsageError('--profile 应为 58mm 或 80mm');
  return PROFILES[v];
}

/**
 * --printer SPEC. The global option of the same name (the printer setting) takes it first,
 * so it is read from there; the app opened for the verb then uses that printer too.
 */
function printerOption(cli: CliContext): string {
  const v = cli.settingFlags.printer ?? cli.options.printer;
  if (typeof v !== 'string' || v === '') throw new UsageError('缺少参数 --printer（serial:PATH?baud=N、tcp:HOST:PORT 或 file:PATH）');
  return v;
}

export const deviceVerbs: Verb[] = [
  {
    name: 'device list',
    usage: 'device list',
    summary: '列出读卡器、打印机的状态和本机可用的串口、HID 设备',
    async run(cli) {
      const app = await cli.app();
      const v = await app.devices.list();
      const human = [
        `打印机：${v.printer}（${v.profile}）`,
        ...v.devices.map((d) => `  ${d.kind === 'printer' ? '打印机' : '读卡器'} ${d.name}：${d.state}${d.detail ? ` — ${d.detail}` : ''}`),
        '本机端口：',
        ...(v.ports.length ? v.ports.map((p) => `  ${p.kind} ${p.path}${p.manufacturer ? ` (${p.manufacturer})` : ''}`) : ['  （无）']),
      ].join('\n');
      cli.print(v, human);
      return 0;
    },
  },
  {
    name: 'device read',
    usage: 'device read --port P --protocol idcard|ssc-text|voucher-line|number-line [--baud N] [--timeout SECONDS]',
    summary: '从串口读卡器读一次卡，打印 CardRead（JSON）；读卡失败退出码 1，超时退出码 3',
    async run(cli) {
      const port = requireOption(cli, 'port');
      const protocol = requireOption(cli, 'protocol') as ReadProtocol;
      if (!READ_PROTOCOLS.includes(protocol)) throw new UsageError(`--protocol 应为 ${READ_PROTOCOLS.join('、')}`);
      const baud = positiveInt(cli, 'baud', protocol === 'idcard' ? 115200 : 9600, 4_000_000);
      const timeoutS = positiveInt(cli, 'timeout', 30, 3600);
      const app = await cli.app();
      const link = await SerialLink.open(port, baud);
      let outcome: { ok: true; card: CardRead } | { ok: false; error: ParseError } | null = null;
      try {
        outcome = await new Promise((resolve) => {
          const timer = setTimeout(() => resolve(null), timeoutS * 1000);
          const driver = startDriver({ id: `cli:${port}`, protocol }, link, {
            read: (card) => {
              clearTimeout(timer);
              driver.stop();
              resolve({ ok: true, card });
            },
            error: (error) => {
              clearTimeout(timer);
              driver.stop();
              resolve({ ok: false, error });
            },
          }, () => chinaDate(app.clock.now()));
        });
      } finally {
        await link.close();
      }
      if (!outcome) {
        process.stderr.write(`在 ${timeoutS} 秒内没有读到卡\n`);
        return 3;
      }
      if (!outcome.ok) {
        process.stderr.write(`${outcome.error.code}: ${outcome.error.message}\n`);
        return 1;
      }
      process.stdout.write(JSON.stringify(outcome.card) + '\n');
      return 0;
    },
  },
  {
    name: 'print test',
    usage: 'print test --printer SPEC [--profile 58mm|80mm]',
    summary: '打印测试页（SPEC：serial:PATH?baud=N、tcp:HOST:PORT、file:PATH），并显示打印机状态',
    async run(cli) {
      const spec = parsePrinterSpec(printerOption(cli));
      const app = await cli.app();
      const profile = profileOption(cli, app.settings.printerProfile);
      const before = await probePrinter(spec);
      const r = await sendToPrinter(spec, buildTestPage(profile, app.settings.institutionName, chinaDateTime(app.clock.now())));
      cli.print({ printer: printerSpecText(spec), profile: profile.id, status: before, bytes: r.bytes }, `已发送测试页到 ${printerSpecText(spec)}（${r.bytes} 字节）`);
      return 0;
    },
  },
  {
    name: 'print receipt',
    usage: 'print receipt --settlement ID --printer SPEC [--profile 58mm|80mm]',
    summary: '把某笔结算的小票打印到指定打印机（已打印过则标记为副本并记审计）',
    async run(cli) {
      const settlementId = requireOption(cli, 'settlement');
      const spec = parsePrinterSpec(printerOption(cli));
      const app = await cli.app();
      const profile = profileOption(cli, app.settings.printerProfile);
      // The valid receipt: the corrected one (更正) once printed, else the original.
      const original = app.devices.jobs.validReceiptFor(settlementId);
      if (!original) throw new AppError('RECEIPT_NOT_FOUND', `结算 ${settlementId} 没有小票数据（结算后才会生成）`, { settlementId });
      const copy = app.devices.jobs.listFor(settlementId).some((j) => j.state === 'done');
      const receipt = { ...original.receipt, copy };
      const bytes = buildReceipt(receipt, profile);
      await sendToPrinter(spec, bytes);
      const jobId = app.db.transaction(() => {
        const id = app.devices.jobs.enqueue({ settlementId, receipt, bytes, copy, printer: printerSpecText(spec), profile: profile.id, state: 'done' });
        if (copy) app.audit.append({ action: 'device.reprint', operatorId: null, subject: settlementId, detail: { jobId: id, originalJobId: original.id, via: 'cli' } });
        return id;
      })();
      cli.print({ jobId, settlementId, copy, printer: printerSpecText(spec), bytes: bytes.length }, `已打印结算 ${settlementId} 的小票${copy ? '（副本）' : ''}`);
      return 0;
    },
  },
];
