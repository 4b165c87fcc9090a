// The status bar's "目录同步中 x/y": follows the main process's 'policy.sync' events (center
// part) while a policy sync runs; null when none does.
import { useEffect, useState } from 'react';
import type { PolicySyncProgress } from '../../../electron/api/contract/events';
import { api } from '../api/client';
import type { Lang } from '../i18n';

export function usePolicySyncProgress(): PolicySyncProgress | null {
  const [progress, setProgress] = useState<PolicySyncProgress | null>(null);
  useEffect(() => {
    const offEvents = api.onEvent((name, payload) => {
      if (name !== 'policy.sync') return;
      const p = payload as PolicySyncProgress;
      setProgress(p.phase === 'done' || p.phase === 'failed' ? null : p);
    });
    // A connection lost mid-sync may have missed the final event: never show a stale "syncing".
    const offConn = api.onConnection((state) => state !== 'open' && setProgress(null));
    return () => {
      offEvents();
      offConn();
    };
  }, []);
  return progress;
}

function size(bytes: number, mb: boolean): string {
  return mb ? (bytes / (1024 * 1024)).toFixed(1) : String(Math.ceil(bytes / 1024));
}

/** "同步中 1.2/3.4 MB" (the cell's label already says 目录). Kept here, not in the catalogues, to stay a few lines in StatusBar. */
export function policySyncText(p: PolicySyncProgress, lang: Lang): string {
  const word = lang === 'en' ? 'syncing' : '同步中';
  if (p.phase !== 'downloading') return `${word}…`;
  const mb = (p.totalBytes ?? p.receivedBytes) >= 1024 * 1024;
  const unit = mb ? 'MB' : 'KB';
  return p.totalBytes === null ? `${word} ${size(p.receivedBytes, mb)} ${unit}` : `${word} ${size(p.receivedBytes, mb)}/${size(p.totalBytes, mb)} ${unit}`;
}
