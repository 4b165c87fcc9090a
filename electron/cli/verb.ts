// What a CLI verb is. Each part adds its verbs in electron/cli/verbs/<part>.ts.
import type { App } from '../app/create-app';
import type { SettingKey } from '../app/config';

export interface CliContext {
  /** Positional words after the verb's own words. */
  args: string[];
  /** --name value / --flag options after the verb (global options removed). */
  options: Record<string, string | true>;
  json: boolean;
  dataDir: string;
  settingFlags: Partial<Record<SettingKey, string>>;
  /** Opens the app on the data dir the first time it is asked for. */
  app(): Promise<App>;
  /** Print a result: JSON when --json (or always for machine verbs), else `human` text. */
  print(value: unknown, human?: string): void;
}

export interface Verb {
  /** One or more words: 'policy import'. */
  name: string;
  usage: string;
  summary: string;
  /** Options of this verb that take no value (e.g. 'until-empty'). */
  booleans?: string[];
  /** Returns the exit code. */
  run(cli: CliContext): Promise<number>;
}

/** Read a required option or throw a usage error. */
export function requireOption(cli: CliContext, name: string): string {
  const v = cli.options[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`缺少参数 --${name}`);
  return v;
}

export class UsageError extends Error {}
