// The province's variant file (setting nationalVariant) read from disk, for the client
// (connection.ts), the demo sandbox and `center serve`, so all three speak the same province.
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../api/result';
import { DEFAULT_VARIANT, parseVariant, type NationalVariant } from './wire/national/variant';

/** A variant file is a few KB; anything near this is not one. */
const VARIANT_FILE_MAX_BYTES = 1024 * 1024;

/** The variant JSON file named by the setting ('' = the national defaults). */
export function readVariantFile(path: string): NationalVariant {
  if (!path) return DEFAULT_VARIANT;
  let text: string;
  try {
    if (statSync(path).size > VARIANT_FILE_MAX_BYTES) throw new Error('文件过大');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AppError('NATIONAL_VARIANT_INVALID', `无法读取国家平台接口的地区配置文件 ${path}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path });
  }
  return parseVariant(text);
}
