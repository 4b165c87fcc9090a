// The clinic stream against a real PostgreSQL (initdb in a temp folder, test/helpers/pg-cluster)
// and the real sandbox center: windows settle and refund through the real settlement part,
// their records reach PostgreSQL exactly once with their later states, PostgreSQL stopped in
// the middle changes nothing at the window and the stream catches up, row-level security
// refuses a window writing another's rows, commands go back to the settlement's window, and
// the clinic's figures and reconciliation come from the consolidated rows.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import type { App } from '../../../electron/app/create-app';
import { newSession, type Session } from '../../../electron/api/session';
import type { SettleInput, SettlementView } from '../../../electron/api/contract/settlement';
import type { SandboxCenter } from '../../../electron/center/sandbox/server';
import { writeBatch } from '../../../electron/clinic/pg-sink';
import { withClient } from '../../../electron/clinic/pg';
import { OutboxStore } from '../../../electron/outbox/store';
import { AGREED_AMOUNTS_SQL, settlementsWithAdjustmentsSql } from '../../../electron/settlement/owner';
import { createClinicDb, type ClinicDb } from '../../helpers/clinic-db';
import { pgAvailable, startPgCluster, type PgCluster } from '../../helpers/pg-cluster';
import { tempDir } from '../../helpers/temp-app';
import { openClient, prepareClient, randomBill, rng, SETTLEABLE, startCenter } from '../settlement/fixtures';
import { callApp, callOk } from '../../helpers/app-call';
import { rowCount } from '../../helpers/db-rows';
import { fenColumn, many, one, value } from '../../../electron/db/sql';
import { z } from 'zod';

const DAY = '2026-04-08';
const CLINIC_KEY = 'ab'.repeat(32);
let dir: string;
let clock: ManualClock;
let center: SandboxCenter;
let cluster: PgCluster;
let clinic: ClinicDb;
const apps: App[] = [];
let w07: App;
let w08: App;

const call = callOk;
async function session(a: App, id: string, pin: string): Promise<Session> {
  const s = newSession('test');
  await call(a, s, 'auth.login', { operatorId: id, pin });
  return s;
}
async function settle(a: App, input: SettleInput): Promise<SettlementView> {
  return call(a, await session(a, '1001', '1234'), 'settlement.settle', input);
}
async function refund(a: App, id: string): Promise<void> {
  await call(a, await session(a, '1001', '1234'), 'settlement.refund', { id, supervisorId: '2001', supervisorPin: '246810', reason: '患者取消' });
}
async function window(no: string, clinicUrl: string): Promise<App> {
  const a = await openClient({
    dataDir: join(dir, `w${no}`),
    centerUrl: center.url,
    clock,
    flags: { terminalNo: no, clinicDatabaseUrl: clinicUrl, clinicKey: CLINIC_KEY },
  });
  apps.push(a);
  await prepareClient(a);
  a.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
  return a;
}
const drainCenter = (a: App) => a.settlement.drain({ untilEmpty: true, timeoutMs: 20_000 });

const LocalRow = z.object({ id: z.string(), state: z.string(), total: fenColumn, psn_name: z.string(), psn_no: z.string() });
const localRows = (a: App) => many(a.db, 'SELECT id, state, total, psn_name, psn_no FROM settlements ORDER BY id', {}, LocalRow);
/** A sum of fen over the window's own tables (an aggregate: always one row). */
const localSum = (a: App, sql: string) => value(a.db, sql, {}, fenColumn)!;
async function pgRows(windowId: string) {
  return (await clinic.admin.query('SELECT * FROM settlements WHERE window_id = $1 ORDER BY id', [windowId])).rows as Record<string, unknown>[];
}

/** Every local settlement row is in PostgreSQL exactly once, in its current state. */
async function expectMirrored(a: App, windowId: string): Promise<void> {
  const local = localRows(a);
  const remote = await pgRows(windowId);
  expect(remote.map((r) => r['id'])).toEqual(local.map((r) => r.id));
  expect(remote.map((r) => [r['state'], Number(r['total'])])).toEqual(local.map((r) => [r.state, r.total]));
  const dup = await clinic.admin.query('SELECT window_id, id, count(*) FROM settlements GROUP BY 1, 2 HAVING count(*) > 1');
  expect(dup.rowCount).toBe(0);
}

describe.skipIf(!pgAvailable())('clinic stream to PostgreSQL', () => {
  beforeAll(async () => {
    dir = tempDir('clinic-stream-');
    clock = new ManualClock(new Date(`${DAY}T09:00:00+08:00`));
    cluster = await startPgCluster();
    clinic = await createClinicDb(cluster);
    center = await startCenter(join(dir, 'center'), clock);
    w07 = await window('07', await clinic.addWindow('07'));
    w08 = await window('08', await clinic.addWindow('08', { reader: true }));
  }, 180_000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    await clinic?.admin.end();
    await center?.close();
    cluster?.destroy();
  });

  it('streams settlements, refunds and their later states exactly once, identity sealed', async () => {
    const r = rng(18);
    const made: SettlementView[] = [];
    for (let i = 0; i < 6; i++) made.push(await settle(w07, randomBill(r, i % SETTLEABLE.length)));
    // Streamed before the center answered: provisional rows first...
    await w07.clinic.stream.drain();
    await expectMirrored(w07, '07');
    // ...then the answers and a refund: later states replace them in place.
    await drainCenter(w07);
    await refund(w07, made[2]!.id);
    await drainCenter(w07);
    await w07.clinic.stream.drain();
    await expectMirrored(w07, '07');
    const remote = await pgRows('07');
    expect(remote.find((x) => x['id'] === made[2]!.id)!['state']).toBe('refunded');
    expect(remote.filter((x) => x['refund_of'] === made[2]!.id)).toHaveLength(1);
    expect(remote.every((x) => x['known_to_center'] === true)).toBe(true);

    // Identity: nothing readable in PostgreSQL, the same pseudonym per person, names open with the key.
    const local = localRows(w07);
    const dump = JSON.stringify((await clinic.admin.query('SELECT * FROM settlements')).rows) + JSON.stringify((await clinic.admin.query('SELECT * FROM records')).rows);
    for (const l of local) {
      expect(dump).not.toContain(l.psn_no);
      expect(dump).not.toContain(l.psn_name);
      const row = remote.find((x) => x['id'] === l.id)!;
      expect(row['psn_ref']).toBe(w07.clinic.seal.pseudonym(l.psn_no));
      expect(w07.clinic.seal.open(String(row['psn_name_enc']))).toBe(l.psn_name);
    }

    // Shifts, audit entries and the rest arrive too, once each.
    const kinds = await clinic.admin.query("SELECT kind, count(*)::int AS n FROM records WHERE window_id = '07' GROUP BY kind");
    const byKind = Object.fromEntries(kinds.rows.map((k: { kind: string; n: number }) => [k.kind, k.n]));
    expect(byKind['shift']).toBe(1);
    expect(byKind['audit']).toBe(rowCount(w07.db, 'audit_log'));

    // Everything marked again (a window re-joining): the same rows, not one more.
    w07.clinic.store.disable(clock.now());
    expect(w07.clinic.store.enable(clock.now())).toBeGreaterThan(local.length);
    await w07.clinic.stream.drain();
    await expectMirrored(w07, '07');
    expect(w07.clinic.stream.status()).toMatchObject({ state: 'ok', pending: 0, windowId: '07' });
  }, 120_000);

  it('an older version never overwrites a newer one (a batch resent after a crash)', async () => {
    const id = localRows(w07)[0]!.id;
    const before = (await pgRows('07')).find((x) => x['id'] === id)!;
    const stale = { ...before, state: 'provisional', total: 1, version: Number(before['version']) - 1, created_at: new Date(before['created_at'] as Date).toISOString(), created_day: DAY, updated_at: new Date().toISOString() };
    const r = await withClient(w07.clinic.pool, (c) => writeBatch(c, [stale as never], []));
    expect(r.written).toBe(0);
    const after = (await pgRows('07')).find((x) => x['id'] === id)!;
    expect([after['state'], after['total'], after['version']]).toEqual([before['state'], before['total'], before['version']]);
  });

  it('PostgreSQL stopped mid-stream: the window settles on, the lag shows, the stream catches up exactly once', async () => {
    const r = rng(19);
    for (let i = 0; i < 4; i++) await settle(w07, randomBill(r, i % SETTLEABLE.length));
    cluster.stop('immediate');
    try {
      await expect(w07.clinic.stream.pumpOnce()).rejects.toThrow();
      // Work goes on while PostgreSQL is down.
      for (let i = 0; i < 4; i++) await settle(w07, randomBill(r, i % SETTLEABLE.length));
      await drainCenter(w07);
      const st = w07.clinic.stream.status();
      expect(st.state).toBe('down');
      expect(st.errorCode).toBe('CLINIC_DB_UNREACHABLE');
      expect(st.pending).toBeGreaterThanOrEqual(8);
      expect(st.oldestPendingAt).not.toBeNull();
    } finally {
      cluster.start();
    }
    await w07.clinic.stream.drain(60_000);
    await expectMirrored(w07, '07');
    expect(w07.clinic.stream.status()).toMatchObject({ state: 'ok', pending: 0 });
  }, 120_000);

  it("row-level security: a window cannot write or read another window's rows; the reader sees all", async () => {
    await settle(w08, randomBill(rng(20), 1));
    await w08.clinic.stream.drain();
    const as07 = new pg.Client({ connectionString: clinic.urlAs(`${clinic.name}_w07`) });
    await as07.connect();
    try {
      const seen = await as07.query('SELECT DISTINCT window_id FROM settlements');
      expect(seen.rows.map((x: { window_id: string }) => x.window_id)).toEqual(['07']);
      const one = (await clinic.admin.query("SELECT * FROM settlements WHERE window_id = '08' LIMIT 1")).rows[0] as Record<string, unknown>;
      // Inserting a row as window 08: refused by the policy.
      await expect(as07.query("INSERT INTO settlements SELECT * FROM jsonb_populate_record(NULL::settlements, $1::jsonb)", [JSON.stringify({ ...one, id: 'FORGED-1' })])).rejects.toMatchObject({ code: '42501' });
      // Updating window 08's rows: they are invisible, nothing changes.
      const upd = await as07.query("UPDATE settlements SET total = 0 WHERE window_id = '08'");
      expect(upd.rowCount).toBe(0);
      // Moving its own row to another window: refused.
      await expect(as07.query("UPDATE settlements SET window_id = '08' WHERE window_id = '07'")).rejects.toMatchObject({ code: '42501' });
      // A window cannot issue commands (only supervisors, clinic_reader) nor register itself.
      await expect(as07.query("INSERT INTO commands (window_id, settlement_id, action, note, issued_by) VALUES ('08', 'x', 'reupload', 'n', '1')")).rejects.toMatchObject({ code: '42501' });
      await expect(as07.query("UPDATE clinic_windows SET role_name = current_user WHERE window_id = '08'")).rejects.toMatchObject({ code: '42501' });
    } finally {
      await as07.end();
    }
    const total08 = (await clinic.admin.query("SELECT sum(total)::bigint AS t FROM settlements WHERE window_id = '08'")).rows[0].t;
    expect(Number(total08)).toBe(localSum(w08, 'SELECT sum(total) FROM settlements'));
    // Window 08 is a supervisor's window (clinic_reader): it reads every window.
    const seen = await w08.clinic.pool.query('SELECT DISTINCT window_id FROM settlements ORDER BY 1');
    expect(seen.rows.map((x: { window_id: string }) => x.window_id)).toEqual(['07', '08']);
  }, 60_000);

  it('a supervisor command goes to the settlement’s window, is applied there once and acknowledged', async () => {
    const sup = await session(w08, '2001', '246810');
    // A settlement the center lost (reconciliation's only_local): made offline, then (injected)
    // marked as accepted under a center id the center never issued. Confirmed locally, yet
    // re-uploadable — the center is asked, not the window's own word.
    await center.setOffline(true);
    await w07.center.probeNow();
    const lost = await settle(w07, randomBill(rng(77), 0));
    w07.db.prepare("UPDATE outbox SET state = 'confirmed', resolved_at = ? WHERE settlement_id = ?").run(clock.now().toISOString(), lost.id);
    w07.db.prepare("UPDATE settlements SET state = 'confirmed', center_setl_id = 'STLOST00000077' WHERE id = ?").run(lost.id);
    await center.setOffline(false);
    await w07.clinic.stream.drain();
    const target = localRows(w07).find((x) => x.id === lost.id)!;
    const { commandId } = await call(w08, sup, 'clinic.command', { windowId: '07', settlementId: target.id, action: 'reupload', note: '中心缺此笔' });
    const uploadsBefore = new OutboxStore(w07.db).forSettlement(target.id).length;
    expect(await w07.clinic.commands.pollOnce()).toBe(1);
    expect(new OutboxStore(w07.db).forSettlement(target.id).length).toBe(uploadsBefore + 1);
    const cmd = (await clinic.admin.query('SELECT * FROM commands WHERE id = $1', [commandId])).rows[0];
    expect(cmd).toMatchObject({ state: 'applied', window_id: '07' });
    // Applied once: polling again, or replaying the command after a lost acknowledgement, adds nothing.
    expect(await w07.clinic.commands.pollOnce()).toBe(0);
    w07.clinic.commands.applyOnce({ id: commandId, window_id: '07', settlement_id: target.id, action: 'reupload', note: 'x', issued_by: '2001' });
    expect(new OutboxStore(w07.db).forSettlement(target.id).length).toBe(uploadsBefore + 1);
    await drainCenter(w07);
    expect(center.settlements().filter((x) => x.medins_setl_id === lost.id)).toHaveLength(1);

    // A settlement the center already confirmed: a re-upload is refused with its code before
    // anything is issued (it would be sent and refused by the center as a duplicate).
    const confirmed = localRows(w07).find((x) => x.state === 'confirmed' && x.id !== lost.id)!;
    const commandsBefore = Number((await clinic.admin.query('SELECT count(*) FROM commands')).rows[0].count);
    const refused = (await callApp(w08, sup, 'clinic.command', { windowId: '07', settlementId: confirmed.id, action: 'reupload', note: '再传一次' }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'REUPLOAD_CENTER_HAS_IT' } });
    expect(Number((await clinic.admin.query('SELECT count(*) FROM commands')).rows[0].count)).toBe(commandsBefore);
    expect(new OutboxStore(w07.db).forSettlement(confirmed.id).filter((o) => o.kind === 'upload')).toHaveLength(1);

    // A write-off of a settlement on no work list is refused, with its code, and nothing changes.
    const { commandId: c2 } = await call(w08, sup, 'clinic.command', { windowId: '07', settlementId: confirmed.id, action: 'write_off', note: '核销' });
    await w07.clinic.commands.pollOnce();
    expect((await clinic.admin.query('SELECT state, result_code FROM commands WHERE id = $1', [c2])).rows[0]).toEqual({ state: 'refused', result_code: 'WORKITEM_NOT_OPEN' });
    await drainCenter(w07);
  }, 60_000);

  it('a forged or misaddressed command changes nothing at the window and is acknowledged as refused', async () => {
    // Rows written straight into `commands` (as the database's owner: past the supervisor's
    // checks and row-level security) — the window's own checks are what stands in the way.
    await drainCenter(w07);
    await center.setOffline(true);
    await w07.center.probeNow();
    const inFlight = await settle(w07, randomBill(rng(78), 1)); // provisional: its upload is still open
    await center.setOffline(false);
    const refunded = localRows(w07).find((x) => x.state === 'refunded')!;
    const own = localRows(w07).find((x) => x.state === 'confirmed')!;
    const other = localRows(w08)[0]!;
    expect(localRows(w07).some((x) => x.id === other.id)).toBe(false);
    const fingerprint = (a: App) =>
      JSON.stringify([
        a.db.prepare('SELECT * FROM settlements ORDER BY id').all(),
        a.db.prepare('SELECT id, settlement_id, kind, msgid, state FROM outbox ORDER BY id').all(),
        a.db.prepare('SELECT * FROM worklist_actions ORDER BY id').all(),
        a.db.prepare('SELECT * FROM receivables ORDER BY 1').all(),
      ]);
    const before07 = fingerprint(w07);
    const before08 = fingerprint(w08);
    const refusals = () => rowCount(w07.db, 'audit_log', "action = 'clinic.command.refused'");
    const refusedBefore = refusals();
    const forge = async (windowId: string, settlementId: string, action: string) =>
      (
        await clinic.admin.query<{ id: string }>("INSERT INTO commands (window_id, settlement_id, action, note, issued_by) VALUES ($1, $2, $3, '伪造', '2001') RETURNING id::text", [
          windowId,
          settlementId,
          action,
        ])
      ).rows[0]!.id;
    const expected = new Map([
      [await forge('07', other.id, 'reupload'), 'SETTLEMENT_NOT_FOUND'], // another window's settlement
      [await forge('07', other.id, 'write_off'), 'SETTLEMENT_NOT_FOUND'],
      [await forge('07', refunded.id, 'reupload'), 'REUPLOAD_NOT_ALLOWED'], // the center cancelled it
      [await forge('07', inFlight.id, 'reupload'), 'REUPLOAD_NOT_ALLOWED'], // its upload is still open
    ]);
    const for08 = await forge('08', own.id, 'reupload'); // window 08 has no such settlement; 07 never sees it
    expect(await w07.clinic.commands.pollOnce()).toBe(expected.size);
    const acks = (await clinic.admin.query<{ id: string; state: string; result_code: string }>('SELECT id::text, state, result_code FROM commands WHERE id = ANY($1::bigint[])', [[...expected.keys(), for08]])).rows;
    for (const [id, code] of expected) expect(acks.find((a) => a.id === id)).toMatchObject({ state: 'refused', result_code: code });
    expect(acks.find((a) => a.id === for08)).toMatchObject({ state: 'issued', result_code: null });

    // Handed to the window directly (a row read past RLS, or a damaged one): refused just the same.
    const misaddressed = w07.clinic.commands.applyOnce({ id: '900001', window_id: '08', settlement_id: own.id, action: 'reupload', note: 'x', issued_by: '2001' });
    expect(misaddressed).toMatchObject({ outcome: 'refused', code: 'CLINIC_COMMAND_MISADDRESSED' });
    const unknown = w07.clinic.commands.applyOnce({ id: '900002', window_id: '07', settlement_id: own.id, action: 'delete' as never, note: 'x', issued_by: '2001' });
    expect(unknown).toMatchObject({ outcome: 'refused', code: 'CLINIC_COMMAND_INVALID' });

    expect(fingerprint(w07)).toBe(before07);
    expect(fingerprint(w08)).toBe(before08);
    expect(refusals() - refusedBefore).toBe(expected.size + 2);

    await w08.clinic.commands.pollOnce(); // 08's own checks refuse the one addressed to it
    expect((await clinic.admin.query('SELECT state, result_code FROM commands WHERE id = $1', [for08])).rows[0]).toEqual({ state: 'refused', result_code: 'SETTLEMENT_NOT_FOUND' });
    await drainCenter(w07);
  }, 60_000);

  it("the clinic's day, 3201 reconciliation and receivables come from the consolidated rows", async () => {
    // A claim from another hospital reaches the center first: its split of this bill differs
    // (adjusted). The clinic's day must show what the center paid, not the window's split.
    const person = SETTLEABLE.at(-1)!;
    await center.setFaults({ outsideClaims: { [person.certno]: 500_000 } });
    const adjusted = await settle(w08, { person: { certType: '02', certNo: person.certno }, visit: { visitType: 'outpatient' }, items: [{ code: 'XJ01CAA040A001010101445', unitPrice: '12.50', quantity: '4' }], useAccount: true });
    await drainCenter(w08);
    await center.clearFaults();
    expect(w08.settlement.get(adjusted.id)!.state).toBe('adjusted');
    for (const a of [w07, w08]) {
      await drainCenter(a);
      await a.clinic.stream.drain();
    }
    const sup = await session(w08, '2001', '246810');
    const summary = await call(w08, sup, 'clinic.summary', { from: DAY, to: DAY });
    const localTotal = (a: App) => localSum(a, "SELECT coalesce(sum(total), 0) FROM settlements WHERE state <> 'rejected'");
    expect(summary.windows.map((w) => [w.windowId, w.figures.total])).toEqual([['07', localTotal(w07)], ['08', localTotal(w08)]]);
    expect(summary.all.total).toBe(localTotal(w07) + localTotal(w08));
    // Fund and account as the center agreed (a window's own shift report's rule), said so.
    const agreed = (a: App) =>
      one(
        a.db,
        `SELECT coalesce(sum(fund), 0) AS fund, coalesce(sum(account), 0) AS account, coalesce(sum(s.fund_pay + s.critical_illness_pay), 0) AS localFund
           FROM (SELECT s.*, ${AGREED_AMOUNTS_SQL} FROM ${settlementsWithAdjustmentsSql()} WHERE s.state <> 'rejected') s`,
        {},
        z.object({ fund: fenColumn, account: fenColumn, localFund: fenColumn }),
      )!;
    const a08 = agreed(w08);
    expect(a08.fund).not.toBe(a08.localFund); // the adjusted settlement: the test could tell them apart
    const byWindow = summary.windows as unknown as { windowId: string; figures: { fund: number; account: number; centerAdjusted: number } }[];
    expect(byWindow.map((w) => [w.windowId, w.figures.fund, w.figures.account])).toEqual([
      ['07', agreed(w07).fund, agreed(w07).account],
      ['08', a08.fund, a08.account],
    ]);
    expect(byWindow.find((w) => w.windowId === '08')!.figures.centerAdjusted).toBeGreaterThanOrEqual(1);

    const rec = await call(w08, sup, 'clinic.reconcile', { from: DAY, to: DAY });
    expect(rec.result).toBe('match');

    // A third window that is not part of the clinic database settles: the center has a
    // settlement the clinic does not, found on its day and traced to no window.
    const loner = await openClient({ dataDir: join(dir, 'w09'), centerUrl: center.url, clock, flags: { terminalNo: '09' } });
    apps.push(loner);
    await prepareClient(loner);
    loner.settlement.configureOutbox({ backoff: { baseMs: 10, capMs: 50 }, pollMs: 20 });
    const lone = await settle(loner, randomBill(rng(21), 0));
    await drainCenter(loner);
    const rec2 = await call(w08, sup, 'clinic.reconcile', { from: DAY, to: DAY });
    expect(rec2.result).toBe('mismatch');
    expect(rec2.findings).toEqual([expect.objectContaining({ kind: 'only_center', windowId: null, settlementId: lone.id, day: DAY })]);

    const recv = await call(w08, sup, 'clinic.receivables', {});
    const owed = (a: App) => localSum(a, 'SELECT coalesce(sum(owed), 0) FROM receivables');
    expect(recv.windows.map((w) => [w.windowId, w.owed])).toEqual([['07', owed(w07)], ['08', owed(w08)]]);
    expect(recv.all.owed).toBe(owed(w07) + owed(w08));
  }, 120_000);
});
