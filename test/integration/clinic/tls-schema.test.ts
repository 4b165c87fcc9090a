// The clinic database on another machine: TLS as the settings say (clinicDatabaseTls,
// clinicDatabaseCaFile), against a real PostgreSQL with `ssl = on` and a certificate made by
// openssl for this test (a hospital's private CA). And the schema's migrations: forward-only,
// a second run changes nothing, a window refuses to stream to an older schema.
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/app/create-app';
import { clinicPool, expectedClinicSchemaVersion, migrateClinicDb, withClient } from '../../../electron/clinic/pg';
import { createClinicDb, type ClinicDb } from '../../helpers/clinic-db';
import { pgAvailable, startPgCluster, type PgCluster } from '../../helpers/pg-cluster';
import { tempDir } from '../../helpers/temp-app';

let dir: string;
let cluster: PgCluster;
let clinic: ClinicDb;
let url: string;
const pools: pg.Pool[] = [];
const apps: App[] = [];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}
const isRoot = process.getuid?.() === 0;
const idOf = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());

/** The server's certificate for 127.0.0.1 and 127.0.0.2, signed by a test CA; another CA that did not sign it. */
function makeCertificates(into: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Hospital IT CA']);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=Other CA']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf']);
  // PostgreSQL runs as `postgres` when we are root and insists on a private key file of its own.
  for (const f of ['srv.pem', 'srv.key']) {
    copyFileSync(join(dir, f), join(into, f));
    if (isRoot) chownSync(join(into, f), idOf('-u'), idOf('-g'));
  }
  execFileSync('chmod', ['600', join(into, 'srv.key')]);
}

/** A pool as a window builds it, and whether its connection is encrypted (pg_stat_ssl). */
async function ssl(settings: { clinicDatabaseUrl: string; clinicDatabaseTls: 'auto' | 'verify' | 'disable'; clinicDatabaseCaFile: string }): Promise<boolean> {
  const pool = clinicPool(settings, { max: 1 });
  pools.push(pool);
  const r = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return r.rows[0]!.ssl;
}

describe.skipIf(!pgAvailable())('clinic database: TLS and schema migrations', () => {
  beforeAll(async () => {
    dir = tempDir('clinic-tls-');
    const certs = tempDir('clinic-tls-srv-');
    if (isRoot) chownSync(certs, idOf('-u'), idOf('-g'));
    makeCertificates(certs);
    cluster = await startPgCluster({
      conf: ["listen_addresses = '127.0.0.1,127.0.0.2'", 'ssl = on', `ssl_cert_file = '${join(certs, 'srv.pem')}'`, `ssl_key_file = '${join(certs, 'srv.key')}'`],
    });
    clinic = await createClinicDb(cluster, 'tls');
    url = await clinic.addWindow('05');
  }, 120_000);

  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const p of pools) await p.end().catch(() => {});
    await clinic?.admin.end();
    cluster?.destroy();
  });

  it('verify: TLS with the hospital CA; the server is refused when no trusted CA signed it', async () => {
    const ca = join(dir, 'ca.pem');
    expect(await ssl({ clinicDatabaseUrl: url, clinicDatabaseTls: 'verify', clinicDatabaseCaFile: ca })).toBe(true);
    // sslmode in the URL does not switch TLS off: the setting decides.
    expect(await ssl({ clinicDatabaseUrl: `${url}?sslmode=disable`, clinicDatabaseTls: 'verify', clinicDatabaseCaFile: ca })).toBe(true);
    // The system's CAs did not sign it, nor did another CA: no connection (verification is never off).
    await expect(ssl({ clinicDatabaseUrl: url, clinicDatabaseTls: 'verify', clinicDatabaseCaFile: '' })).rejects.toThrow(/certificate/i);
    await expect(ssl({ clinicDatabaseUrl: url, clinicDatabaseTls: 'verify', clinicDatabaseCaFile: join(dir, 'other-ca.pem') })).rejects.toThrow(/certificate|signature/i);
  }, 60_000);

  it('auto: no TLS on loopback, TLS with verification to any other host; disable: none', async () => {
    const ca = join(dir, 'ca.pem');
    expect(await ssl({ clinicDatabaseUrl: url, clinicDatabaseTls: 'auto', clinicDatabaseCaFile: ca })).toBe(false);
    // 127.0.0.2 is not one of the loopback names: treated as another machine.
    const other = url.replace('@127.0.0.1:', '@127.0.0.2:');
    expect(await ssl({ clinicDatabaseUrl: other, clinicDatabaseTls: 'auto', clinicDatabaseCaFile: ca })).toBe(true);
    await expect(ssl({ clinicDatabaseUrl: other, clinicDatabaseTls: 'auto', clinicDatabaseCaFile: '' })).rejects.toThrow(/certificate/i);
    expect(await ssl({ clinicDatabaseUrl: other, clinicDatabaseTls: 'disable', clinicDatabaseCaFile: ca })).toBe(false);
  }, 60_000);

  it('a window streams over verified TLS, set by its settings', async () => {
    const app = await createApp({
      dataDir: join(dir, 'w05'),
      runtime: 'test',
      env: {},
      flags: { terminalNo: '05', clinicDatabaseUrl: url.replace('@127.0.0.1:', '@127.0.0.2:'), clinicDatabaseTls: 'verify', clinicDatabaseCaFile: join(dir, 'ca.pem'), clinicKey: 'ab'.repeat(32) },
    });
    apps.push(app);
    app.audit.append({ action: 'test.tls', operatorId: '9001', subject: 'tls', detail: {} });
    await app.clinic.stream.drain(30_000);
    const r = await clinic.admin.query("SELECT count(*)::int AS n FROM records WHERE window_id = '05' AND kind = 'audit'");
    expect(r.rows[0].n).toBeGreaterThan(0);
    const enc = await app.clinic.pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(enc.rows[0]!.ssl).toBe(true);
  }, 60_000);

  it('an empty clinicDatabaseUrl is a window alone: nothing marked, nothing streamed; emptying it drops the markers', async () => {
    const alone = await createApp({ dataDir: join(dir, 'alone'), runtime: 'test', env: {}, flags: { terminalNo: '06' } });
    try {
      expect(alone.clinic.enabled).toBe(false);
      alone.audit.append({ action: 'test.alone', operatorId: '9001', subject: 'alone', detail: {} });
      expect(alone.db.prepare('SELECT count(*) FROM clinic_stream').pluck().get()).toBe(0);
      expect(() => alone.clinic.stream).toThrow(expect.objectContaining({ code: 'CLINIC_NOT_CONFIGURED' }));
    } finally {
      await alone.close();
    }
    // A window that was part of the clinic, restarted with the URL emptied.
    const flags = { terminalNo: '06', clinicDatabaseUrl: url, clinicKey: 'ab'.repeat(32) };
    const joined = await createApp({ dataDir: join(dir, 'leaves'), runtime: 'test', env: {}, flags });
    joined.audit.append({ action: 'test.leaves', operatorId: '9001', subject: 'leaves', detail: {} });
    expect(joined.clinic.store.backlog().pending).toBeGreaterThan(0);
    await joined.close();
    const left = await createApp({ dataDir: join(dir, 'leaves'), runtime: 'test', env: {}, flags: { terminalNo: '06' } });
    try {
      expect(left.clinic.store.enabled()).toBe(false);
      expect(left.clinic.store.backlog().pending).toBe(0);
      left.audit.append({ action: 'test.left', operatorId: '9001', subject: 'left', detail: {} });
      expect(left.clinic.store.backlog().pending).toBe(0);
    } finally {
      await left.close();
    }
  }, 60_000);

  it('migrations: forward-only, a second run changes nothing; a window refuses an older schema', async () => {
    const again = await withClient(clinic.admin, (c) => migrateClinicDb(c));
    expect(again).toMatchObject({ from: expectedClinicSchemaVersion(), to: expectedClinicSchemaVersion(), applied: [] });
    // The schema as an older program left it (its newest migration not applied).
    const newest = expectedClinicSchemaVersion();
    const row = (await clinic.admin.query('SELECT version, name FROM clinic_schema WHERE version = $1', [newest])).rows[0] as { version: number; name: string };
    await clinic.admin.query('DELETE FROM clinic_schema WHERE version = $1', [newest]);
    try {
      // A window starting now (its history marked) checks the schema before its first round.
      const fresh = await createApp({
        dataDir: join(dir, 'w05b'),
        runtime: 'test',
        env: {},
        flags: { terminalNo: '05', clinicDatabaseUrl: url, clinicKey: 'ab'.repeat(32) },
      });
      apps.push(fresh);
      await expect(fresh.clinic.stream.pumpOnce()).rejects.toMatchObject({ code: 'CLINIC_SCHEMA_OLD' });
      expect(fresh.clinic.stream.status()).toMatchObject({ state: 'down', errorCode: 'CLINIC_SCHEMA_OLD' });
      expect(fresh.clinic.store.backlog().pending).toBeGreaterThan(0); // kept for when the schema is upgraded
    } finally {
      await clinic.admin.query('INSERT INTO clinic_schema (version, name) VALUES ($1, $2)', [row.version, row.name]);
    }
  }, 60_000);
});
