// The clinic part: this window as one of many (issue 18). With `clinicDatabaseUrl` empty it
// does nothing and the window is alone, as before. With it set, the window streams its records
// to the clinic's PostgreSQL (stream.ts), applies the supervisors' commands meant for it
// (commands.ts), and a supervisor's window reads the clinic-wide figures (reports.ts).
import type pg from 'pg';
import { AppError } from '../api/result';
import type { CoreApp } from '../app/core';
import type { CenterPart } from '../center/part';
import { resolveTerminalNo } from '../center/terminal';
import type { ShiftPart } from '../shift/part';
import { ClinicCommands } from './commands';
import { clinicKeyOf, IdentitySeal } from './identity';
import { clinicPool } from './pg';
import { ClinicReports } from './reports';
import { SnapshotReader } from './snapshots';
import { ClinicStream, type ClinicStreamOptions } from './stream';
import { ClinicStreamStore } from './stream-store';

export interface ClinicPartOptions {
  stream?: ClinicStreamOptions;
  commandPollMs?: number;
}

export function createClinicPart(core: CoreApp, deps: { shift: ShiftPart; center: CenterPart }, opts: ClinicPartOptions = {}) {
  const store = new ClinicStreamStore(core.db);
  const url = core.settings.clinicDatabaseUrl;
  let pool: pg.Pool | null = null;
  let stream: ClinicStream | null = null;
  let commands: ClinicCommands | null = null;
  let reports: ClinicReports | null = null;
  const seal = new IdentitySeal(clinicKeyOf(core.settings));

  if (url) {
    const windowId = resolveTerminalNo(core.db, core.settings.terminalNo, core.clock.now()).terminalNo;
    // Markers from now on (and, the first time, for the whole history) — also when this
    // process is a CLI verb that never streams: the window process sends them.
    const marked = store.enable(core.clock.now());
    if (marked) core.log.info('clinic stream enabled: history marked for streaming', { records: marked });
    pool = clinicPool(core.settings, { max: 3, applicationName: `cashier-window-${windowId}` });
    stream = new ClinicStream(core, store, new SnapshotReader(core.db, seal, windowId), pool, windowId, opts.stream);
    commands = new ClinicCommands(core, deps, pool, windowId, opts.commandPollMs);
    reports = new ClinicReports(pool, seal);
  } else if (store.enabled()) {
    store.disable(core.clock.now());
    core.log.info('clinic stream disabled (clinicDatabaseUrl is empty)');
  }

  function need<T>(x: T | null): T {
    if (x === null) throw new AppError('CLINIC_NOT_CONFIGURED', '本窗口未接入诊所汇总数据库（设置 clinicDatabaseUrl）。');
    return x;
  }

  return {
    enabled: url !== '',
    store,
    seal,
    get stream(): ClinicStream {
      return need(stream);
    },
    get commands(): ClinicCommands {
      return need(commands);
    },
    get reports(): ClinicReports {
      return need(reports);
    },
    get pool(): pg.Pool {
      return need(pool);
    },
    start(): void {
      stream?.start();
      commands?.start();
    },
    async close(): Promise<void> {
      await stream?.close();
      await commands?.close();
      await pool?.end().catch(() => {});
    },
  };
}

export type ClinicPart = ReturnType<typeof createClinicPart>;
