// Words for what the main process sends as codes. The main process answers with a code and its
// parameters (ApiError.code + the plain string / number fields of ApiError.details; an
// explanation line's key + params); the window words them in the cashier's language from the
// catalogues codes.zh-CN.ts / codes.en.ts. ApiError.message (Chinese) is only the last resort,
// and only in Chinese: an English window shows the generic "did not complete (CODE)" instead,
// so no Chinese leaks into it. How to add a code: docs/UI.md "Codes from the main process".
import type { SettlementView } from '../../../electron/api/contract/settlement';
import type { ShownError } from '../../../electron/api/result';
import { formatFen } from '../../../electron/api/money';
import { hasKey, type Lang, type Translate } from './index';

type ExplanationLine = SettlementView['explanation'][number];

type Params = Record<string, string | number>;

/** An error's parameters: the plain fields of its details; INVALID_INPUT's fields named. */
export function errorParams(error: ShownError, t: Translate): Params {
  const out: Params = {};
  const d = error.details;
  if (d && typeof d === 'object' && !Array.isArray(d)) {
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    }
    const issues = (d as { issues?: unknown }).issues;
    if (Array.isArray(issues)) {
      const names = issues.map((i: unknown) => {
        const path = (i as { path?: unknown })?.path;
        const last = Array.isArray(path) && path.length ? String(path[path.length - 1]) : '';
        const key = `field.${last}`;
        return hasKey(key) ? t(key) : last || '—';
      });
      out.fields = [...new Set(names)].join(', ');
    }
  }
  return out;
}

/** Fill what is known; a placeholder without a value becomes "—" rather than "{x}". */
const filled = (s: string): string => s.replace(/\{\w+\}/g, '—');

/** What the cashier reads for an error, in the window's language. */
export function wordError(error: ShownError, t: Translate, lang: Lang): string {
  const key = `err.${error.code}`;
  if (hasKey(key)) return filled(t(key, errorParams(error, t)));
  if (lang === 'zh-CN' && error.message) return error.message;
  return t('err.unknown', { code: error.code });
}

/** One line of the split's explanation, in the window's language (older rows without a key keep their Chinese text). */
export function wordExplanation(line: ExplanationLine, t: Translate, lang: Lang): string {
  const key = `explain.${line.key}`;
  if (!line.key || !hasKey(key)) return lang === 'zh-CN' ? line.text : `${line.rule}: ${line.amount === undefined ? '' : formatFen(line.amount)}`;
  const params: Params = { ...line.params };
  const cond = `explain.condition.${line.params.condition ?? ''}`;
  if (line.params.condition && hasKey(cond)) params.condition = t(cond);
  return filled(t(key, params));
}
