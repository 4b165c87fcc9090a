// Message ids: institution code (12, left-padded with 0) + yyyyMMddHHmmss (China time) +
// a 4-digit sequence. PURE: the persisted state lives in the client's SQLite table; this
// module only decides the next id from the last one, so ids stay unique and increasing even
// when the wall clock jumps backwards or more than 9999 ids are made in one second.

export interface MsgIdState {
  /** yyyyMMddHHmmss of the last id made, '' if none. */
  stamp: string;
  /** Its sequence, 1..9999. */
  seq: number;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** yyyyMMddHHmmss in China time. */
export function msgStamp(d: Date): string {
  return new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

function stampPlusOneSecond(stamp: string): string {
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}Z`;
  return new Date(Date.parse(iso) + 1000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

export function padInstitution(code: string): string {
  return code.length >= 12 ? code.slice(0, 12) : code.padStart(12, '0');
}

/**
 * The next (stamp, seq) after `last` at time `now`. When the clock is behind the last stamp
 * (moved backwards, or a restart on a machine with a wrong clock) the last stamp is kept and
 * the sequence continues; when the sequence would pass 9999 the stamp moves one second on.
 */
export function nextMsgIdState(last: MsgIdState, now: Date): MsgIdState {
  const stamp = msgStamp(now);
  if (last.stamp === '' || stamp > last.stamp) return { stamp, seq: 1 };
  if (last.seq < 9999) return { stamp: last.stamp, seq: last.seq + 1 };
  return { stamp: stampPlusOneSecond(last.stamp), seq: 1 };
}

export function formatMsgId(institutionCode: string, state: MsgIdState): string {
  return padInstitution(institutionCode) + state.stamp + String(state.seq).padStart(4, '0');
}

export const MSGID_PATTERN = /^[0-9A-Za-z]{12}\d{14}\d{4}$/;
