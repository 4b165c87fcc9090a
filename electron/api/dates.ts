// Calendar dates (yyyy-MM-dd, the day in China time): the one check every date a person, a
// bill file, the HIS or the CLI sends passes. PURE and shared (contract, settlement, bills,
// renderer). A date is a real day of the Gregorian calendar (2026-13-45 and 2026-02-30 are
// refused), and a visit date is not after today, with a stated allowance for clocks that run
// slightly ahead (the HIS's, another PC's): VISIT_DATE_SKEW_MINUTES.
import { z } from 'zod';
import { AppError } from './result';

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Dates before this year are typing errors, not visits or report days. */
export const MIN_YEAR = 1900;

/**
 * How far ahead of this PC's clock another clock may run: a visit dated tomorrow is accepted
 * only in the last VISIT_DATE_SKEW_MINUTES before midnight (China time), when a bill made by an
 * HIS whose clock is a little ahead already carries tomorrow's date. Any later date is refused
 * (VISIT_DATE_IN_FUTURE): settled, it would count toward a year or day that has not begun
 * (a 2099 visit started a fresh 2099 year of accumulators, with its caps reset).
 */
export const VISIT_DATE_SKEW_MINUTES = 120;

/** Days in a month of the Gregorian calendar (day 0 of the next month is this month's last). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether s is yyyy-MM-dd naming a real day (year MIN_YEAR–9999). */
export function isCalendarDate(s: unknown): s is string {
  const m = typeof s === 'string' ? SHAPE.exec(s) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= MIN_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export const CALENDAR_DATE_MESSAGE = '不是有效的日期（应为 yyyy-MM-dd 的真实日期，如 2026-03-15）';

/** The contract's and the bill formats' date: a real calendar day. */
export const calendarDateSchema = z.string().max(10).refine(isCalendarDate, CALENDAR_DATE_MESSAGE);

/** The day (China time, UTC+8) of an instant. */
function chinaDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The latest visit date accepted at `now`: today, or tomorrow within the skew allowance. */
export function latestVisitDate(now: Date): string {
  return chinaDay(now.getTime() + VISIT_DATE_SKEW_MINUTES * 60_000);
}

/** Why a visit date cannot be used at `now` (code, Chinese words, details), or null. */
export function visitDateProblem(date: unknown, now: Date): { code: 'DATE_INVALID' | 'VISIT_DATE_IN_FUTURE'; message: string; details: Record<string, unknown> } | null {
  if (!isCalendarDate(date)) {
    return { code: 'DATE_INVALID', message: `就诊日期 ${String(date).slice(0, 20)} ${CALENDAR_DATE_MESSAGE}。`, details: { field: 'visit.date', date: String(date).slice(0, 20) } };
  }
  const latest = latestVisitDate(now);
  if (date > latest) {
    return {
      code: 'VISIT_DATE_IN_FUTURE',
      message: `就诊日期 ${date} 晚于今天（${chinaDay(now.getTime())}）：不能结算未来日期的就诊。请核对日期，或核对本机和 HIS 的时钟。`,
      details: { field: 'visit.date', date, today: chinaDay(now.getTime()), latest },
    };
  }
  return null;
}

/** Throws the visitDateProblem as an AppError. */
export function assertVisitDate(date: unknown, now: Date): void {
  const p = visitDateProblem(date, now);
  if (p) throw new AppError(p.code, p.message, p.details);
}
