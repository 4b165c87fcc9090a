// The one date check (electron/api/dates.ts): real calendar days, and visit dates not after
// today with the stated allowance for a clock running ahead (VISIT_DATE_SKEW_MINUTES).
import { describe, expect, it } from 'vitest';
import { calendarDateSchema, isCalendarDate, latestVisitDate, visitDateProblem, VISIT_DATE_SKEW_MINUTES } from '../../../electron/api/dates';

describe('isCalendarDate', () => {
  it('accepts real days, leap days included', () => {
    for (const d of ['2026-01-01', '2026-12-31', '2024-02-29', '2000-02-29', '1900-01-01', '2026-04-30']) expect(isCalendarDate(d), d).toBe(true);
  });
  it('refuses days that do not exist and anything not yyyy-MM-dd', () => {
    for (const d of ['2026-13-45', '2026-02-30', '2025-02-29', '1900-02-29', '2026-04-31', '2026-00-10', '2026-01-00', '0000-01-01', '1899-12-31', '2026-1-1', '20260101', ' 2026-01-01', '2026-01-01T00:00', 20260101, null])
      expect(isCalendarDate(d), String(d)).toBe(false);
    expect(calendarDateSchema.safeParse('2026-02-30').success).toBe(false);
  });
});

describe('visit dates and the clock', () => {
  // 2026-03-15 12:00 China time.
  const noon = new Date('2026-03-15T04:00:00Z');
  it('today and earlier days are fine; tomorrow is not at noon', () => {
    expect(visitDateProblem('2026-03-15', noon)).toBeNull();
    expect(visitDateProblem('2025-12-31', noon)).toBeNull();
    expect(visitDateProblem('2026-03-16', noon)?.code).toBe('VISIT_DATE_IN_FUTURE');
    expect(visitDateProblem('2099-01-01', noon)?.code).toBe('VISIT_DATE_IN_FUTURE');
    expect(visitDateProblem('2026-02-30', noon)?.code).toBe('DATE_INVALID');
  });
  it(`tomorrow only within ${VISIT_DATE_SKEW_MINUTES} minutes of midnight (China time), never the day after`, () => {
    const beforeWindow = new Date(Date.parse('2026-03-15T16:00:00Z') - (VISIT_DATE_SKEW_MINUTES + 1) * 60_000);
    const inWindow = new Date(Date.parse('2026-03-15T16:00:00Z') - (VISIT_DATE_SKEW_MINUTES - 1) * 60_000);
    expect(latestVisitDate(beforeWindow)).toBe('2026-03-15');
    expect(latestVisitDate(inWindow)).toBe('2026-03-16');
    expect(visitDateProblem('2026-03-16', inWindow)).toBeNull();
    expect(visitDateProblem('2026-03-17', inWindow)?.code).toBe('VISIT_DATE_IN_FUTURE');
    expect(visitDateProblem('2026-03-16', beforeWindow)?.message).toMatch(/晚于今天/);
  });
});
