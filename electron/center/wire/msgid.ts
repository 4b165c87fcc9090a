// Message ids: institution code (12, left-padded with 0) + yyyyMMddHHmmss (China time) +
// a 4-digit sequence (CENTER-PROTOCOL.md, "Envelope"). PURE: the persisted state lives in the
// client's SQLite table; this module only decides the next id from the last one.
//
// The protocol leaves no free field: the institution code and the time are shared by every
// cashier window of one clinic, so the only room for telling windows apart is the sequence.
// Its first two digits are the terminal (window) number 00–99 and its last two a counter
// 00–99: two windows with different terminal numbers can never make the same id, whatever
// their clocks say. The price is 100 ids per second per window (a window makes a handful);
// beyond that the stamp moves one second on, so ids stay unique and increasing even when the
// wall clock jumps backwards or a burst outruns it.

export interface MsgIdState {
  /** yyyyMMddHHmmss of the last id made, '' if none. */
  stamp: string;
  /** Its whole 4-digit sequence (terminal × 100 + counter), 0..9999. */
  seq: number;
}

/** Ids one terminal can make in one stamp (the counter's two digits). */
export const IDS_PER_TERMINAL_SECOND = 100;

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

/** A terminal number is two digits, 00–99. */
export const TERMINAL_NO_PATTERN = /^\d{2}$/;

/**
 * The next (stamp, seq) after `last` at time `now` for terminal `terminalNo` ('00'–'99').
 * A new second starts at the terminal's first sequence (terminal × 100). When the clock is
 * behind the last stamp (moved backwards, or a restart on a machine with a wrong clock) the
 * last stamp is kept and the counter continues; when the counter would pass 99 — or the last
 * id was not this terminal's (an id made before the terminal number was set or changed) —
 * the stamp moves one second on, so no id of this installation is ever made twice.
 */
export function nextMsgIdState(last: MsgIdState, now: Date, terminalNo: string): MsgIdState {
  if (!TERMINAL_NO_PATTERN.test(terminalNo)) throw new RangeError(`terminal number must be two digits: ${terminalNo}`);
  const first = Number(terminalNo) * IDS_PER_TERMINAL_SECOND;
  const lastOfTerminal = first + IDS_PER_TERMINAL_SECOND - 1;
  const stamp = msgStamp(now);
  if (last.stamp === '' || stamp > last.stamp) return { stamp, seq: first };
  if (last.seq >= first && last.seq < lastOfTerminal) return { stamp: last.stamp, seq: last.seq + 1 };
  return { stamp: stampPlusOneSecond(last.stamp), seq: first };
}

export function formatMsgId(institutionCode: string, state: MsgIdState): string {
  return padInstitution(institutionCode) + state.stamp + String(state.seq).padStart(4, '0');
}

export const MSGID_PATTERN = /^[0-9A-Za-z]{12}\d{14}\d{4}$/;
