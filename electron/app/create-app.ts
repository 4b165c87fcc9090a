// Builds every main-process service on one database. Electron, browser mode, the CLI and
// the tests all start the app through here, so they run the same code.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../api/dispatch';
import type { ApiResult } from '../api/result';
import type { Session } from '../api/session';
import { AuditLog } from '../auth/audit';
import { AuthService } from '../auth/auth-service';
import { seedDemoOperators } from '../auth/demo-operators';
import { openDatabase } from '../db/open';
import { systemClock, type Clock } from './clock';
import { resolveSettings, type SettingKey } from './config';
import { EventBus } from './events';
import { createConsoleLogger, type Logger } from './log';
import { StatusHub } from './status';
import type { CoreApp } from './core';
import { createPolicyPart, type PolicyPart } from '../policy/part';
import { createMappingPart, type MappingPart } from '../policy/mapping-part';
import { createCenterPart, type CenterPart } from '../center/part';
import { createDevicesPart, type DevicesPart } from '../devices/part';
import { createSettlementPart, type SettlementPart } from '../settlement/part';
import { createStockPart, type StockPart } from '../stock/part';
import { createShiftPart, type ShiftPart } from '../shift/part';
import { createInpatientPart, type InpatientPart } from '../inpatient/part';
import { createClinicPart, type ClinicPart, type ClinicPartOptions } from '../clinic/part';
import { readStoredSettings } from './stored-settings';
import { startBackupSchedule, type BackupSchedule } from '../db/backup';

export interface AppOptions {
  dataDir: string;
  runtime: 'electron' | 'browser' | 'cli' | 'test';
  flags?: Partial<Record<SettingKey, string>>;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  log?: Logger;
  /** Database encryption key; undefined opens a plain file. */
  dbKey?: string;
  /** Start background work (center probing, outbox worker, policy sync timer, devices). */
  background?: boolean;
  /** WAL checkpoints in a worker thread, not inside commits (electron/db/checkpointer.ts); on by default. */
  backgroundCheckpoint?: boolean;
  /** Timing of the clinic stream and command polling (tests, bench). */
  clinic?: ClinicPartOptions;
}

/** The core plus every part; what handlers and verbs receive. */
export interface App extends CoreApp {
  readonly policy: PolicyPart;
  /** Catalogue mapping (对照) and the national catalogue sync (issue 16). */
  readonly mapping: MappingPart;
  readonly center: CenterPart;
  readonly devices: DevicesPart;
  readonly settlement: SettlementPart;
  /** Dispensing stock per batch (issue 17, docs/STOCK.md). */
  readonly stock: StockPart;
  readonly shift: ShiftPart;
  readonly clinic: ClinicPart;
  /** The hospital window (issue 19): stays, deposits, fee batches, their center steps. */
  readonly inpatient: InpatientPart;
  call(session: Session, name: string, input: unknown): Promise<ApiResult<unknown>>;
  close(): Promise<void>;
}

/** chmod where the OS has modes; a folder this user does not own is left as it is. */
function narrowToOwner(path: string, mode: number): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(path, mode);
  } catch {
    // Not ours to change (a shared folder): the files inside are still 0600.
  }
}

export async function createApp(opts: AppOptions): Promise<App> {
  // The data folder holds the database, its key (browser mode / CLI), logs and backups: this
  // OS user's alone (issue 14). Made 0700; an existing one is narrowed to 0700.
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  narrowToOwner(opts.dataDir, 0o700);
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createConsoleLogger(opts.runtime === 'cli' || opts.runtime === 'test');
  const { db, migrations, checkpointer } = openDatabase({
    file: join(opts.dataDir, 'cashier.db'),
    key: opts.dbKey,
    backgroundCheckpoint: opts.backgroundCheckpoint ?? true,
    log,
  });
  if (migrations.applied.length) log.info('database migrated', { ...migrations });
  // SQLite creates the file 0644 (its WAL and index follow the file's mode): encrypted, but
  // nobody else's to copy.
  for (const f of ['cashier.db', 'cashier.db-wal', 'cashier.db-shm']) narrowToOwner(join(opts.dataDir, f), 0o600);

  const settings = resolveSettings({ flags: opts.flags, env: opts.env ?? process.env, stored: readStoredSettings(db) });
  const demo = settings.centerUrl === '';
  const events = new EventBus();
  const status = new StatusHub(events);
  const audit = new AuditLog(db, clock);
  const auth = new AuthService(db, audit, clock, settings.idleLockMinutes * 60_000);
  if (demo) seedDemoOperators(auth);

  const core: CoreApp = {
    dataDir: opts.dataDir,
    runtime: opts.runtime,
    db,
    schemaVersion: migrations.to,
    settings,
    demo,
    clock,
    log,
    events,
    status,
    audit,
    auth,
  };

  // Parts in dependency order; each may depend only on those built before it.
  const policy = createPolicyPart(core);
  const center = createCenterPart(core, { policy });
  const mapping = createMappingPart(core, { policy, center });
  const devices = createDevicesPart(core);
  const shift = createShiftPart(core, { center });
  const stock = createStockPart(core, { center, mapping });
  const settlement = createSettlementPart(core, { policy, center, devices, shift, stock: stock.store });
  // 2204's med_list_codg: the national code of a pair the center confirmed (3301); a clinic code
  // with no confirmed pair goes as it is (codes that already are national ones, as in the demo).
  settlement.setNationalCodeFor((code) => mapping.nationalCodeFor(code) ?? code);
  // What a clinic code is (a drug needs traceability codes): its mapped national code's kind.
  settlement.setKindOf((code) => mapping.entryOf(code)?.kind);
  // Refused before settling in the national protocol: a clinic item (a mapping row) without a
  // confirmed pair, and a code neither mapped nor in the catalogue in force. A code with no
  // mapping row that IS a national catalogue code settles as itself.
  settlement.setUnmappedLines((codes) => mapping.unmapped(codes).filter((u) => u.state !== 'unmapped' || mapping.store.view(u.clinicCode) !== null || policy.entry(u.clinicCode) === null));
  const inpatient = createInpatientPart(core, { policy, center, devices, shift, settlement });
  inpatient.setNationalCodeFor((code) => mapping.nationalCodeFor(code) ?? code);
  const clinic = createClinicPart(core, { shift, center }, opts.clinic);
  const parts = [policy, center, mapping, devices, shift, stock, settlement, inpatient, clinic];

  // Security: scheduled, rotated online backups while the app runs (electron/db/backup.ts).
  let backups: BackupSchedule | null = null;

  let closed = false;
  const app: App = {
    ...core,
    policy,
    mapping,
    center,
    devices,
    settlement,
    stock,
    shift,
    clinic,
    inpatient,
    call: (session, name, input) => dispatch(app, session, name, input),
    async close() {
      if (closed) return;
      closed = true;
      backups?.close();
      for (const p of [...parts].reverse()) await p.close();
      // The checkpoint thread first: the main connection's close is then the last one, and
      // checkpoints and removes the WAL.
      await checkpointer?.close();
      db.close();
    },
  };
  if (opts.background) for (const p of parts) p.start();
  if (opts.background) backups = startBackupSchedule(core);
  return app;
}
