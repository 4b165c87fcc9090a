// clinicDatabaseUrl carries a window's PostgreSQL password: it is never printed — not by the
// settings listing, not in an invalid-setting error, not in the audit entry of `settings set`,
// not in the stream's status or log when PostgreSQL cannot be reached, not by the CLI's errors.
// The real CLI in child processes, a real data folder, a loopback port nobody listens on.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { redactCredentials, redactPasswordOf, shownSetting } from '../../../electron/api/redact';
import { AppError } from '../../../electron/api/result';
import { createApp } from '../../../electron/app/create-app';
import { formatLogLine } from '../../../electron/app/log';
import { resolveDbKey } from '../../../electron/auth/db-key';
import { values } from '../../../electron/db/sql';
import { z } from 'zod';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-app';

const PASSWORD = 'S3cret-Pa55w0rd';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('redaction', () => {
  it('hides a URL password in text, errors and log lines; secret settings are not shown at all', () => {
    const url = `postgresql://clinic_w07:${PASSWORD}@db.example:5432/clinic`;
    expect(redactCredentials(`连不上 ${url} 了`)).toBe('连不上 postgresql://clinic_w07:******@db.example:5432/clinic 了');
    expect(redactCredentials('postgresql://w:p%40ss@host/db postgres://x:y@z/w')).toBe('postgresql://w:******@host/db postgres://x:******@z/w');
    expect(redactCredentials('https://example.org/a:b@c')).toBe('https://example.org/a:b@c');
    // A bare password (percent-decoded too) in a driver's message is hidden when the URL is known.
    expect(redactPasswordOf('postgresql://w:p%40ss-word@h/d', 'auth failed for p@ss-word and p%40ss-word')).toBe('auth failed for ****** and ******');
    expect(new AppError('INTERNAL', `bad ${url}`).message).not.toContain(PASSWORD);
    expect(formatLogLine(new Date(0), 'WARN', 'x', { target: url })).not.toContain(PASSWORD);
    expect(shownSetting('clinicDatabaseUrl', url)).toBe('postgresql://clinic_w07:******@db.example:5432/clinic');
    expect(shownSetting('clinicKey', 'ab'.repeat(32))).toBe('******');
    expect(shownSetting('clinicKey', '')).toBe('');
    expect(shownSetting('institutionSecret', 'x'.repeat(12))).toBe('******');
  });
});

describe('the CLI never prints the clinic password', () => {
  it('settings get / set, an invalid URL, clinic status and a failed drain', async () => {
    const dir = tempDir('clinic-secrets-');
    const url = `postgresql://clinic_w07:${PASSWORD}@127.0.0.1:${await closedPort()}/clinic`;
    const env = { CASHIER_CLINIC_DATABASE_URL: url, CASHIER_TERMINAL_NO: '07', CASHIER_CLINIC_KEY: 'cd'.repeat(32) };
    const all: string[] = [];
    const run = (args: string[], e: Record<string, string> = env) => {
      const r = runCli(['--data-dir', dir, ...args], e);
      all.push(r.stdout, r.stderr);
      return r;
    };

    const listed = run(['settings', 'get']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('clinicDatabaseUrl = postgresql://clinic_w07:******@127.0.0.1');
    expect(listed.stdout).toContain('clinicKey = ******');
    const json = JSON.parse(run(['--json', 'settings', 'get']).stdout) as Record<string, string>;
    expect(json['clinicDatabaseUrl']).toMatch(/^postgresql:\/\/clinic_w07:\*{6}@127\.0\.0\.1:\d+\/clinic$/);

    // PostgreSQL unreachable: the status and a drain that gives up say so, without the password.
    const status = run(['--json', 'clinic', 'status']);
    expect(status.code).toBe(0);
    const drain = run(['--json', 'clinic', 'drain', '--timeout', '2']);
    expect(drain.code).not.toBe(0);
    expect(drain.stdout + drain.stderr).toMatch(/CLINIC_/);

    // An invalid value (a space in it), as an environment variable and through settings set.
    const bad = `postgresql://clinic_w07:${PASSWORD}@host name/clinic`;
    const envBad = run(['settings', 'get'], { ...env, CASHIER_CLINIC_DATABASE_URL: bad });
    expect(envBad.code).not.toBe(0);
    expect(envBad.stderr).toContain('SETTING_INVALID');
    const setBad = run(['settings', 'set', 'clinicDatabaseUrl', bad], {});
    expect(setBad.code).toBe(2);
    // A valid one is saved; its audit entry does not keep the password.
    expect(run(['settings', 'set', 'clinicDatabaseUrl', url], {}).code).toBe(0);
    const app = await createApp({ dataDir: dir, runtime: 'cli', flags: {}, dbKey: resolveDbKey(dir) });
    try {
      const entries = values(app.db, "SELECT detail FROM audit_log WHERE action = 'settings.set'", {}, z.string());
      expect(entries).toHaveLength(1);
      expect(entries[0]).toContain('clinic_w07:******@');
      all.push(...entries);
    } finally {
      await app.close();
    }

    for (const text of all) expect(text).not.toContain(PASSWORD);
    expect(all.join('\n')).toContain('******');
  }, 120_000);
});
