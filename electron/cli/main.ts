// `npm run cli -- [global options] <verb> [args]`: headless entry to the same services.
import { SETTINGS, flagName, type SettingKey } from '../app/config';
import { createApp, type App } from '../app/create-app';
import { defaultDataDir } from '../app/paths';
import { AppError, isAppError } from '../api/result';
import { redactCredentials } from '../api/redact';
import { databaseError } from '../db/errors';
import { resolveDbKey } from '../auth/db-key';
import { UsageError, type CliContext, type Verb } from './verb';
import { verbs } from './verbs';

interface Parsed {
  words: string[];
  options: Record<string, string | true>;
}

/** Options that never take a value, whatever follows them. */
const GLOBAL_BOOLEANS = ['json', 'help', 'no-open'];

/**
 * Split argv into words and --options; `--name value` and `--name=value` both work.
 * Options named in `booleans` (global ones and each verb's `booleans`) never take a value.
 */
export function parseArgs(argv: string[], booleans: Iterable<string> = allBooleans()): Parsed {
  const flags = new Set(booleans);
  const words: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options[a.slice(2, eq)] = a.slice(eq + 1);
      else if (!flags.has(a.slice(2)) && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options[a.slice(2)] = argv[++i]!;
      else options[a.slice(2)] = true;
    } else words.push(a);
  }
  return { words, options };
}

function allBooleans(): string[] {
  return [...GLOBAL_BOOLEANS, ...verbs.flatMap((v) => v.booleans ?? [])];
}

/** The verb whose words the command line starts with, longest first. */
export function findVerb(words: string[]): { verb: Verb; rest: string[] } | null {
  const sorted = [...verbs].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const v of sorted) {
    const n = v.name.split(' ');
    if (n.every((w, i) => words[i] === w)) return { verb: v, rest: words.slice(n.length) };
  }
  return null;
}

export function helpText(): string {
  const width = Math.max(...verbs.map((v) => v.usage.length));
  const lines = [
    '医保结算收费客户端 — 命令行',
    '',
    '用法: npm run cli -- [全局选项] <命令> [参数]',
    '',
    '命令:',
    ...verbs.map((v) => `  ${v.usage.padEnd(width)}  ${v.summary}`),
    '',
    '全局选项:',
    '  --data-dir DIR   数据目录（默认：系统用户数据目录）',
    '  --json           以 JSON 输出',
    '  --help           显示本帮助',
    '',
    '设置（也可用环境变量，或 settings set 保存在数据目录）:',
    ...(Object.keys(SETTINGS) as SettingKey[]).map((k) => `  ${flagName(k).padEnd(34)} ${SETTINGS[k].env.padEnd(38)} ${SETTINGS[k].doc}`),
  ];
  return lines.join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const { words, options } = parseArgs(argv);
  const found = findVerb(words);
  if (options.help || words.length === 0 || words[0] === 'help' || !found) {
    if (words.length && !found && words[0] !== 'help') process.stderr.write(`未知命令：${words.join(' ')}\n\n`);
    process.stdout.write(helpText() + '\n');
    return words.length && !found && words[0] !== 'help' ? 2 : 0;
  }

  const json = options.json === true;
  const dataDir = typeof options['data-dir'] === 'string' ? options['data-dir'] : process.env.CASHIER_DATA_DIR ?? defaultDataDir();
  const settingFlags: Partial<Record<SettingKey, string>> = {};
  for (const k of Object.keys(SETTINGS) as SettingKey[]) {
    const v = options[flagName(k).slice(2)];
    if (typeof v === 'string') {
      settingFlags[k] = v;
      delete options[flagName(k).slice(2)];
    }
  }
  delete options.json;
  delete options['data-dir'];

  let app: App | null = null;
  const cli: CliContext = {
    args: found.rest,
    options,
    json,
    dataDir,
    settingFlags,
    async app() {
      app ??= await createApp({ dataDir, runtime: 'cli', flags: settingFlags, dbKey: resolveDbKey(dataDir) });
      return app;
    },
    print(value, human) {
      process.stdout.write((json || human === undefined ? JSON.stringify(value, null, 2) : human) + '\n');
    },
  };

  try {
    return await found.verb.run(cli);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${redactCredentials(e.message)}\n用法：npm run cli -- ${found.verb.usage}\n`);
      return 2;
    }
    // Every failure is reported with a code (on stdout too under --json): a database one as
    // DB_BUSY / DB_CORRUPT / ..., anything else as INTERNAL with its stack on stderr.
    const known = isAppError(e) ? e : databaseError(e);
    const err = known ?? new AppError('INTERNAL', '程序内部错误，操作未完成。请重试；如反复出现，请联系技术支持并提供以下信息。');
    if (json) process.stdout.write(JSON.stringify({ error: err.toApiError() }) + '\n');
    process.stderr.write(`错误 ${err.code}：${err.message}\n`);
    if (!known) process.stderr.write(`${redactCredentials(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return 1;
  } finally {
    await (app as App | null)?.close();
  }
}
