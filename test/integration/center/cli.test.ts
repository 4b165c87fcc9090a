// The center verbs as an operator runs them: `center serve` as a real process, `center
// persons --json`, and `person lookup` / `policy sync` against the served center.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stopChild } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-app';

let child: ChildProcess;
let served: { url: string; controlUrl: string; institutionCode: string };
let serveDir: string;
let appDir: string;

beforeAll(async () => {
  serveDir = tempDir('center-serve-');
  appDir = tempDir('center-cli-app-');
  child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/run.ts', '--data-dir', serveDir, 'center', 'serve', '--faults', 'busy=1@1101,reject-person=990101198003150133:参保核查中'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`center serve exited ${code}`)));
  });
  served = JSON.parse(first) as typeof served;
}, 60_000);

afterAll(async () => {
  await stopChild(child);
  rmSync(serveDir, { recursive: true, force: true });
  rmSync(appDir, { recursive: true, force: true });
});

describe('center verbs', () => {
  it('center serve listens on 127.0.0.1 with a control endpoint and the given faults', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const faults = (await (await fetch(`${served.controlUrl}/faults`)).json()) as { busy: { count: number; infno: string }; rejectPersons: Record<string, string> };
    expect(faults.busy).toEqual({ count: 1, infno: '1101' });
    expect(faults.rejectPersons).toEqual({ '990101198003150133': '参保核查中' });
  });

  it('person lookup and policy sync talk to the served center; busy falls back, rejection is reported', async () => {
    const env = { CASHIER_CENTER_URL: served.url };
    const persons = JSON.parse(runCli(['center', 'persons', '--json']).stdout) as Array<Record<string, string>>;
    expect(persons.length).toBeGreaterThanOrEqual(12);
    for (const k of ['psn_no', 'psn_name', 'certno', 'card_no', 'card_sn', 'ec_token', 'insutype', 'psn_type']) expect(typeof persons[0]![k]).toBe('string');
    const wu = persons.find((p) => p.psn_name === '吴婷')!;

    // First 1101 answers -9 busy, nothing cached yet.
    const busy = runCli(['--data-dir', appDir, '--json', 'person', 'lookup', '--cert-type', '03', '--cert-no', wu.card_no!, '--card-sn', wu.card_sn!], env);
    expect(busy.code).toBe(1);
    expect(busy.stdout).toContain('CENTER_OFFLINE_NOT_CACHED');
    const live = runCli(['--data-dir', appDir, '--json', 'person', 'lookup', '--cert-type', '03', '--cert-no', wu.card_no!, '--card-sn', wu.card_sn!], env);
    expect(live.code).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ psnNo: wu.psn_no, source: 'live', personGroup: 'retired' });

    const refused = runCli(['--data-dir', appDir, 'person', 'lookup', '--cert-type', '02', '--cert-no', '990101198003150133'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PERSON_REJECTED');

    const sync = runCli(['--data-dir', appDir, '--json', 'policy', 'sync'], env);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toEqual({ kind: 'full', seq: 1 });

    const usage = runCli(['--data-dir', appDir, 'person', 'lookup', '--cert-type', '09', '--cert-no', 'x'], env);
    expect(usage.code).toBe(2);
  });

  it('center fault / publish-policy / notice command the running center', async () => {
    const fault = runCli(['--json', 'center', 'fault', '--control', served.controlUrl, 'busy=2@2207,reject-item=C1:超量']);
    expect(fault.code).toBe(0);
    expect(JSON.parse(fault.stdout)).toMatchObject({ busy: { count: 2, infno: '2207' }, rejectItems: { C1: '超量' } });
    const pub = runCli(['--json', 'center', 'publish-policy', '--control', served.controlUrl, '--version', '2026.02-demo']);
    expect(pub.code).toBe(0);
    expect(JSON.parse(pub.stdout)).toEqual({ seq: 2, version: '2026.02-demo' });
    const policy = (await (await fetch(`${served.controlUrl}/policy`)).json()) as { seq: number };
    expect(policy.seq).toBe(2);
    const notice = runCli(['--json', 'center', 'notice', '--control', served.controlUrl, '--type', 'paid']);
    expect(notice.code).toBe(0);
    expect(JSON.parse(notice.stdout)).toEqual([]); // nothing uploaded to this center yet
    const clear = runCli(['center', 'fault', '--control', served.controlUrl, '--clear']);
    expect(clear.code).toBe(0);
    const after = (await (await fetch(`${served.controlUrl}/faults`)).json()) as { busy: unknown; rejectItems: object };
    expect(after).toMatchObject({ busy: null, rejectItems: {} });
    expect(runCli(['center', 'notice', '--control', served.controlUrl, '--type', 'refund']).code).toBe(2);
  });
});
