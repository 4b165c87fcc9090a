// Connecting to the clinic's PostgreSQL (the `pg` client and its pool), TLS, and the schema's
// migrations (migrations-pg/NNNN_name.sql, forward-only, one transaction each, the version in
// clinic_schema). Run by the clinic's administrator (`clinic migrate`); windows only check it.
import { readBoundedFile } from '../security/safe-files';
import pg from 'pg';
import { redactPasswordOf } from '../api/redact';
import { AppError } from '../api/result';
import { projectPath } from '../app/paths';
import { loadMigrations, type MigrationReport } from '../db/migrate';

export interface ClinicDbSettings {
  clinicDatabaseUrl: string;
  clinicDatabaseTls: 'auto' | 'verify' | 'disable';
  clinicDatabaseCaFile: string;
}

/** The URL, or SETTING_INVALID naming it with its password hidden (URL's own error would quote it whole). */
function parsedUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new AppError('SETTING_INVALID', `设置项 clinicDatabaseUrl 不是有效的地址：${redactPasswordOf(text, text)}（应为 postgresql://角色:密码@主机:端口/库名，密码中的特殊字符需 %XX 编码）`, { key: 'clinicDatabaseUrl' });
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** TLS for the connection: off on loopback under 'auto', else always verifying the server's certificate. */
export function tlsOptions(s: ClinicDbSettings): pg.ClientConfig['ssl'] {
  const host = parsedUrl(s.clinicDatabaseUrl).hostname;
  const local = host === '' || LOOPBACK.has(host) || host.startsWith('/');
  if (s.clinicDatabaseTls === 'disable' || (s.clinicDatabaseTls === 'auto' && local)) return false;
  // Verification is never switched off: a private CA narrows trust, like centerCaFile.
  return { rejectUnauthorized: true, ...(s.clinicDatabaseCaFile ? { ca: readBoundedFile(s.clinicDatabaseCaFile, { maxBytes: 4 * 1024 * 1024, codePrefix: 'CLINIC_DB_CA', what: '诊所数据库 CA 证书文件', allowSymlink: true }).toString('utf8') } : {}) };
}

export function clinicPool(s: ClinicDbSettings, opts: { max?: number; applicationName?: string } = {}): pg.Pool {
  // sslmode in the URL would override our TLS choice: the settings decide, the URL only addresses.
  const url = parsedUrl(s.clinicDatabaseUrl);
  url.searchParams.delete('sslmode');
  const pool = new pg.Pool({
    connectionString: url.toString(),
    ssl: tlsOptions(s),
    max: opts.max ?? 2,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 60_000,
    application_name: opts.applicationName ?? 'cashier',
  });
  // An idle connection dropped by a restarting server is reported here; without a listener it
  // would end the process. The next query simply takes a new connection.
  pool.on('error', () => {});
  return pool;
}

/**
 * Run `fn` on one pooled connection. A connection the server drops while we hold it emits
 * 'error' on the client (not the pool): listened to here, and the broken client is destroyed on
 * release instead of going back to the pool.
 */
export async function withClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  const onError = (e: Error) => (failure = e);
  client.on('error', onError);
  try {
    return await fn(client);
  } catch (e) {
    failure = e as Error;
    throw e;
  } finally {
    client.off('error', onError);
    client.release(failure);
  }
}

const MIGRATIONS_DIR = projectPath('migrations-pg');

/** Bring the clinic schema up to date. Concurrent runs wait on an advisory lock. */
export async function migrateClinicDb(client: pg.ClientBase, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const migrations = loadMigrations(dir);
  await client.query('CREATE TABLE IF NOT EXISTS clinic_schema (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const from = await clinicSchemaVersion(client);
  const applied: string[] = [];
  for (const m of migrations) {
    await client.query('BEGIN');
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('clinic_schema'))");
      const done = await client.query('SELECT 1 FROM clinic_schema WHERE version = $1', [m.version]);
      if (done.rowCount === 0) {
        await client.query(m.sql);
        await client.query('INSERT INTO clinic_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }
  await client.query('GRANT SELECT ON clinic_schema TO clinic_window, clinic_reader');
  return { from, to: migrations.length, applied };
}

export async function clinicSchemaVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
  const r = await client.query<{ v: number | null }>("SELECT CASE WHEN to_regclass('clinic_schema') IS NULL THEN 0 ELSE (SELECT coalesce(max(version), 0) FROM clinic_schema) END AS v");
  return r.rows[0]?.v ?? 0;
}

export function expectedClinicSchemaVersion(dir = MIGRATIONS_DIR): number {
  return loadMigrations(dir).length;
}

/** SQL identifiers we create (role names) are checked, never quoted blindly. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Register a window: its own login role (member of clinic_window, and of clinic_reader for a
 * supervisor's window) and its row in clinic_windows. Run by the administrator.
 */
export async function addClinicWindow(
  client: pg.ClientBase,
  w: { windowId: string; role: string; password: string; name?: string; reader?: boolean },
): Promise<void> {
  if (!/^\d{2}$/.test(w.windowId)) throw new AppError('CLINIC_WINDOW_INVALID', `窗口号应为两位数字：${w.windowId}`);
  if (!ROLE_NAME.test(w.role)) throw new AppError('CLINIC_ROLE_INVALID', `角色名只能含小写字母、数字和下划线：${w.role}`);
  await client.query('BEGIN');
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [w.role]);
    const pw = await client.query<{ q: string }>('SELECT quote_literal($1) AS q', [w.password]);
    await client.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${w.role} LOGIN PASSWORD ${pw.rows[0]!.q}`);
    await client.query(`GRANT clinic_window TO ${w.role}`);
    await client.query(`${w.reader ? 'GRANT' : 'REVOKE'} clinic_reader ${w.reader ? 'TO' : 'FROM'} ${w.role}`);
    await client.query(
      'INSERT INTO clinic_windows (window_id, role_name, name) VALUES ($1, $2, $3) ON CONFLICT (window_id) DO UPDATE SET role_name = excluded.role_name, name = excluded.name',
      [w.windowId, w.role, w.name ?? ''],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
