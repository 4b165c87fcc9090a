// The shift part: shifts and cash, reconciliation with the center, work lists, receivables,
// reports. Reads the settlements table directly (it is built before the settlement part).
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import type { ShiftReport } from '../api/contract/shift';
import { Reconciler } from './reconcile';
import { ChainStore } from '../center/national/chain-store';
import type { NationalCenterPort } from './center-port';
import { Receivables } from './receivables';
import { Clearing, type ClearingPort } from './clearing';
import { shiftReportCsv } from './report-csv';
import { renderShiftReportLines } from './report-lines';
import { findCjkFont } from '../app/pdf';
import { shiftReportPdf } from './report-pdf';
import { ShiftService } from './shifts';
import { WorkLists } from './worklist';

export type ReportFormat = 'json' | 'csv' | 'pdf';

export function createShiftPart(core: CoreApp, deps: { center: CenterPart }) {
  const shifts = new ShiftService(core);
  // Looked up at call time: the center part may (re)build its client after settings change.
  const port = () => deps.center.client;
  // National protocol: the reconciler speaks 3201/3202/9101/9102 as the operator who runs it.
  const nationalPort = (operator: { id: string; name: string }): NationalCenterPort | null =>
    deps.center.national.enabled
      ? { send: (infno, input, o) => deps.center.national.send(infno, input, { ...o, operator }), institutionCode: core.settings.institutionCode, areaCode: core.settings.areaCode }
      : null;
  const chains = new ChainStore(core.db);
  const reconciler = new Reconciler(core, port, nationalPort, (msgid) => chains.settlementOfStep(msgid));
  const worklists = new WorkLists(core, port);
  const receivables = new Receivables(core, port);
  // Monthly clearing speaks the app's protocol: national 3203/3204/3205 signed in as the
  // supervisor, or the same infnos on our own /tx (docs/CLEARING.md).
  const clearingPort = (operator: { id: string; name: string }): ClearingPort | null => {
    if (deps.center.national.enabled) {
      return { protocol: 'national', send: (infno, input, o) => deps.center.national.send(infno, input, { ...o, operator }), newMsgId: () => deps.center.national.newMsgId() };
    }
    const c = port();
    return c ? { protocol: 'simple', send: (infno, input, o) => c.send(infno, input, o), newMsgId: () => c.newMsgId() } : null;
  };
  const clearing = new Clearing(core, clearingPort, receivables, reconciler);
  return {
    shifts,
    reconciler,
    worklists,
    receivables,
    clearing,
    /** The operator's open shift id, or null (the settlement part refuses to settle without one). */
    currentShiftId: (operatorId: string): string | null => shifts.currentShiftId(operatorId),
    /** A shift's report as a file's bytes: JSON, CSV (UTF-8 with BOM) or PDF (CJK font embedded when found). */
    async renderReport(report: ShiftReport, format: ReportFormat): Promise<Buffer> {
      if (format === 'json') return Buffer.from(JSON.stringify(report, null, 2) + '\n', 'utf8');
      if (format === 'csv') return Buffer.from(shiftReportCsv(report), 'utf8');
      return shiftReportPdf(report, { clinicName: core.settings.institutionName || '医保收费', cjkFont: findCjkFont() });
    },
    /** Receipt-printer lines of a report (32 columns for 58 mm, 48 for 80 mm). */
    reportLines: (report: ShiftReport, columns = 32): string[] => renderShiftReportLines(report, columns),
    /** Begin background work (none: notices are fetched when the receivables are asked for). */
    start(): void {},
    async close(): Promise<void> {},
  };
}

export type ShiftPart = ReturnType<typeof createShiftPart>;
