import { useMemo } from 'react';
import { useApp } from '../state/store';
import { translator, type Translate } from './index';

/** The translate function for the current language (re-renders on a language switch). */
export function useT(): Translate {
  const lang = useApp((s) => s.lang);
  return useMemo(() => translator(lang), [lang]);
}
