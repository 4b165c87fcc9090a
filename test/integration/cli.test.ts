// The CLI entry: help, global options, and the three sources of settings.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { tempDir } from '../helpers/temp-app';

const dataDir = tempDir('cli-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run cli', () => {
  it('--help lists its verbs and every setting with its flag and variable', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('status');
    expect(r.stdout).toContain('settings set <key> <value>');
    expect(r.stdout).toContain('--center-url');
    expect(r.stdout).toContain('CASHIER_CENTER_URL');
  });

  it('refuses an unknown verb with exit 2', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('未知命令');
  });

  it('takes a setting from the flag over the environment over the data dir', () => {
    expect(runCli(['--data-dir', dataDir, 'settings', 'set', 'institutionName', '存储的诊所']).code).toBe(0);
    const stored = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'settings', 'get']).stdout);
    expect(stored.institutionName).toBe('存储的诊所');
    expect(stored.institutionSecret).toBe('******');

    const fromEnv = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'settings', 'get'], { CASHIER_INSTITUTION_NAME: '环境诊所' }).stdout);
    expect(fromEnv.institutionName).toBe('环境诊所');

    const fromFlag = JSON.parse(
      runCli(['--data-dir', dataDir, '--json', '--institution-name', '参数诊所', 'settings', 'get'], { CASHIER_INSTITUTION_NAME: '环境诊所' }).stdout,
    );
    expect(fromFlag.institutionName).toBe('参数诊所');
  });

  it('refuses a bad setting value with a Chinese message and stores nothing', () => {
    const r = runCli(['--data-dir', dataDir, 'settings', 'set', 'areaCode', '12ab']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('无效');
    const after = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'settings', 'get']).stdout);
    expect(after.areaCode).toBe('990100');
  });

  it('reports the schema version through status', () => {
    const r = runCli(['--data-dir', dataDir, '--json', 'status']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).info.schemaVersion).toBeGreaterThanOrEqual(7);
  });
});
