// Operator administration through the real CLI process on a real (non-demo) installation:
// the first admin is bootstrapped, everything after goes through the dispatch as that admin.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-app';

describe('operator verbs', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A configured center makes this a real installation: no demo operators are seeded.
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--data-dir', dir, '--center-url', 'http://127.0.0.1:9/', ...args], env);

  it('bootstraps the first admin only, and only as admin', () => {
    const notAdmin = cli(['operator', 'add', '1100', '--name', '收费员', '--role', 'cashier'], { CASHIER_NEW_PIN: '6631' });
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain('NO_ADMIN_YET');
    const short = cli(['operator', 'add', '9100', '--name', '张管理', '--role', 'admin'], { CASHIER_NEW_PIN: '58271' });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('PIN_WEAK'); // an admin's PIN has at least 6 characters
    const first = cli(['operator', 'add', '9100', '--name', '张管理', '--role', 'admin'], { CASHIER_NEW_PIN: '582716' });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('9100');
  }, 60_000);

  it('then needs the admin PIN, refuses a wrong one, and adds, lists, disables and resets', () => {
    const admin = { CASHIER_ADMIN_PIN: '582716' };
    const noAdmin = cli(['operator', 'add', '1100', '--name', '收费员', '--role', 'cashier'], { CASHIER_NEW_PIN: '6631' });
    expect(noAdmin.code).toBe(2); // usage: --admin is required now
    const wrong = cli(['operator', 'list', '--admin', '9100'], { CASHIER_ADMIN_PIN: '0000' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('LOGIN_FAILED');

    expect(cli(['operator', 'add', '1100', '--name', '收费员', '--role', 'cashier', '--admin', '9100'], { ...admin, CASHIER_NEW_PIN: '6631' }).code).toBe(0);
    expect(cli(['operator', 'disable', '1100', '--admin', '9100'], admin).code).toBe(0);
    expect(cli(['operator', 'set-pin', '1100', '--admin', '9100'], { ...admin, CASHIER_NEW_PIN: '1111' }).stderr).toContain('PIN_WEAK');
    const list = cli(['--json', 'operator', 'list', '--admin', '9100'], admin);
    expect(list.code).toBe(0);
    const ops = JSON.parse(list.stdout) as Array<{ id: string; active: boolean; failedAttempts: number }>;
    expect(ops.map((o) => [o.id, o.active])).toEqual([
      ['1100', false],
      ['9100', true],
    ]);
    expect(list.stdout).not.toMatch(/scrypt|582716|6631/);
    // The wrong admin PIN above was forgiven by the good logins after it; the audit chain is whole.
    expect(ops.find((o) => o.id === '9100')?.failedAttempts).toBe(0);
    expect(cli(['audit', 'verify']).code).toBe(0);
  }, 180_000);
});
