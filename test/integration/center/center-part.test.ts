// The center part inside a real app (demo mode: the sandbox center runs in-process on
// 127.0.0.1 and the client talks to it over real HTTP): connectivity, person lookup with the
// cache, policy sync through the policy part, and the center.* calls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { DEMO_PERSONS } from '../../../electron/center/sandbox/demo-persons';
import type { StatusSnapshot } from '../../../electron/api/contract/system';
import { startTempApp, type TempApp } from '../../helpers/temp-app';

let t: TempApp;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));
  t = await startTempApp({ clock, log: silentLogger });
});
afterEach(async () => {
  await t.close();
});

const p = DEMO_PERSONS.find((x) => x.psn_name === '吴婷')!;

describe('connectivity', () => {
  it('starts the sandbox in-process, reports online in the status hub, and follows the demo offline switch', async () => {
    const snapshots: StatusSnapshot['center'][] = [];
    t.app.events.on('status', (s) => snapshots.push(s.center));
    const changes: boolean[] = [];
    t.app.center.onConnectivity((online) => changes.push(online));
    expect(t.app.center.isOnline()).toBe(false);
    expect(await t.app.center.probeNow()).toBe(true);
    const st = t.app.status.get().center;
    expect(st).toMatchObject({ mode: 'online', sandbox: true, lastError: null });
    expect(st.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.app.center.sandbox?.url).toBe(st.url);

    const s = await t.login();
    expect(await t.call(s, 'center.sandboxOffline', { offline: true })).toEqual({ ok: true, value: { offline: true } });
    expect(t.app.center.isOnline()).toBe(false);
    expect(t.app.status.get().center).toMatchObject({ mode: 'offline', lastError: expect.stringContaining('ECONNREFUSED') });
    const view = await t.call(s, 'center.status', {});
    expect(view).toMatchObject({ ok: true, value: { mode: 'offline', sandbox: true } });
    await t.call(s, 'center.sandboxOffline', { offline: false });
    expect(t.app.center.isOnline()).toBe(true);
    expect(changes).toEqual([true, false, true]);
    expect(snapshots.map((x) => x.mode)).toContain('offline');
  });
});

describe('person lookup', () => {
  it('live answers are cached; offline, the cache answers with its age; unknown persons are not cached', async () => {
    let s = await t.login();
    await t.app.center.probeNow();
    const live = await t.call(s, 'center.lookupPerson', { certType: '03', certNo: p.card_no, cardSn: p.card_sn });
    expect(live).toMatchObject({ ok: true, value: { psnNo: p.psn_no, source: 'live', personGroup: 'retired', accountBalance: 420000, cachedAt: clock.now().toISOString() } });
    const liveAt = clock.now().toISOString();

    await t.app.center.setSandboxOffline(true);
    clock.advance(2 * 3600_000);
    s = await t.login(); // the idle lock ended the first session
    const cached = await t.call(s, 'center.lookupPerson', { certType: '03', certNo: p.card_no });
    expect(cached).toMatchObject({ ok: true, value: { psnNo: p.psn_no, source: 'cache', cachedAt: liveAt } });
    // Another card serial under the same card number (lost / replaced card) is not trusted offline.
    expect(await t.call(s, 'center.lookupPerson', { certType: '03', certNo: p.card_no, cardSn: 'OTHER-SERIAL' })).toMatchObject({ ok: false, error: { code: 'CENTER_OFFLINE_NOT_CACHED' } });
    // Looked up by card, found offline by ID number too.
    expect(await t.call(s, 'center.lookupPerson', { certType: '02', certNo: p.certno })).toMatchObject({ ok: true, value: { source: 'cache' } });
    const other = DEMO_PERSONS.find((x) => x.psn_name === '王芳')!;
    expect(await t.call(s, 'center.lookupPerson', { certType: '01', certNo: other.ec_token })).toMatchObject({ ok: false, error: { code: 'CENTER_OFFLINE_NOT_CACHED' } });

    await t.app.center.setSandboxOffline(false);
    expect(await t.call(s, 'center.lookupPerson', { certType: '02', certNo: '990101190001010000' })).toMatchObject({ ok: false, error: { code: 'PERSON_NOT_FOUND' } });
    expect(await t.call(s, 'center.lookupPerson', { certType: '04' as '01', certNo: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('before any probe, a lookup asks the center instead of assuming it is away', async () => {
    expect(t.app.center.isOnline()).toBe(false);
    const v = await t.app.center.lookupPerson({ certType: '02', certNo: p.certno });
    expect(v.source).toBe('live');
    expect(t.app.center.isOnline()).toBe(true);
  });

  it('a busy center falls back to the cache', async () => {
    const s = await t.login();
    await t.app.center.probeNow();
    await t.call(s, 'center.lookupPerson', { certType: '02', certNo: p.certno });
    const sandbox = await t.app.center.sandbox!.center();
    await sandbox.setFaults({ busy: { count: -1 } });
    expect(await t.call(s, 'center.lookupPerson', { certType: '02', certNo: p.certno })).toMatchObject({ ok: true, value: { source: 'cache' } });
  });

  it('a malformed 1101 answer is refused, not cached', async () => {
    const s = await t.login();
    await t.app.center.probeNow();
    const sandbox = await t.app.center.sandbox!.center();
    await sandbox.setFaults({ malformed: { mode: 'wrong-types', count: 1 } });
    // wrong-types breaks the envelope → unknown → no cache yet → offline-not-cached.
    expect(await t.call(s, 'center.lookupPerson', { certType: '02', certNo: p.certno })).toMatchObject({ ok: false, error: { code: 'CENTER_OFFLINE_NOT_CACHED' } });
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM center_person_cache').get()).toEqual({ n: 0 });
  });
});

describe('policy sync', () => {
  it('full on first sync, current next, a published change arrives as a delta', async () => {
    const s = await t.login();
    await t.app.center.probeNow();
    const phases: string[] = [];
    t.app.center.onSyncProgress((x) => phases.push(x.phase));
    expect(await t.call(s, 'center.syncPolicy', {})).toEqual({ ok: true, value: { kind: 'full', seq: 1 } });
    expect(phases).toContain('downloading');
    expect(phases.at(-1)).toBe('done');
    expect(t.app.policy.currentSeq()).toBe(1);
    expect(t.app.status.get().policy).toMatchObject({ seq: 1, version: '2026.01-demo' });
    expect(await t.app.center.syncPolicy()).toEqual({ kind: 'current', seq: 1 });

    const sandbox = await t.app.center.sandbox!.center();
    sandbox.publishPolicyChange();
    expect(await t.app.center.syncPolicy()).toEqual({ kind: 'delta', seq: 2 });
    expect(t.app.policy.currentSeq()).toBe(2);
    expect(t.app.policy.search('布地格福').length).toBe(1);
    sandbox.publishPolicyChange({ deletes: ['XA11GAA001E001010100999'] });
    sandbox.publishPolicyChange();
    expect(await t.app.center.syncPolicy()).toEqual({ kind: 'delta', seq: 4 });
    expect(t.app.policy.search('维生素C泡腾片').length).toBe(0);
  });

  it('in demo mode with background work the app syncs the demo policy on start', async () => {
    const bg = await startTempApp({ clock, log: silentLogger, background: true });
    try {
      const synced = new Promise<void>((resolve) => {
        const off = bg.app.events.on('status', (s) => {
          if (s.policy.seq === 1) {
            off();
            resolve();
          }
        });
      });
      await synced;
      expect(bg.app.policy.currentSeq()).toBe(1);
      expect(bg.app.center.isOnline()).toBe(true);
    } finally {
      await bg.close();
    }
  });

  it('a truncated or garbage download and an invalid published table change nothing', async () => {
    await t.app.center.probeNow();
    const sandbox = await t.app.center.sandbox!.center();
    for (const mode of ['truncated', 'garbage', 'missing-fields', 'huge'] as const) {
      await sandbox.setFaults({ malformed: { mode, count: 1, infno: '1399' } });
      await expect(t.app.center.syncPolicy(), mode).rejects.toMatchObject({ code: 'POLICY_SYNC_FAILED' });
      expect(t.app.policy.currentSeq()).toBe(0);
    }
    expect(await t.app.center.syncPolicy()).toEqual({ kind: 'full', seq: 1 });
    sandbox.publishPolicyChange({ upserts: [{ code: 'BAD1', name: '坏条目', kind: 'drug', class: 'Z' as 'A' }] });
    await expect(t.app.center.syncPolicy()).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    expect(t.app.policy.currentSeq()).toBe(1);
    expect(t.app.policy.search('坏条目')).toEqual([]);
  });

  it('reports a center that cannot be reached', async () => {
    await t.app.center.setSandboxOffline(true);
    await expect(t.app.center.syncPolicy()).rejects.toMatchObject({ code: 'POLICY_SYNC_FAILED' });
    expect(t.app.policy.currentSeq()).toBe(0);
  });
});

describe('demo calls', () => {
  it('center.demoPersons lists at least 12 persons with 11-field card data', async () => {
    const s = await t.login();
    const r = await t.call(s, 'center.demoPersons', {});
    expect(r.ok).toBe(true);
    const list = (r as { value: typeof DEMO_PERSONS }).value;
    expect(list.length).toBeGreaterThanOrEqual(12);
    for (const x of list) expect(x.card_data.split('|')).toHaveLength(12);
  });

  it('a center that refuses the sign-in (wrong secret) shows why on the status bar', async () => {
    const sandbox = await t.app.center.sandbox!.center();
    const wrong = await startTempApp({ flags: { centerUrl: sandbox.url, institutionSecret: 'not-the-right-secret' }, log: silentLogger });
    try {
      await wrong.app.center.probeNow();
      expect(wrong.app.status.get().center).toMatchObject({ mode: 'online', sandbox: false, lastError: expect.stringContaining('签名密钥') });
    } finally {
      await wrong.close();
    }
  });

  it('outside demo mode the sandbox calls are refused with NOT_DEMO', async () => {
    const real = await startTempApp({ flags: { centerUrl: 'http://127.0.0.1:9' }, log: silentLogger });
    try {
      const s = await real.login('9001', '990011').catch(() => null);
      expect(real.app.center.sandbox).toBeUndefined();
      await expect(real.app.center.setSandboxOffline(true)).rejects.toMatchObject({ code: 'NOT_DEMO' });
      if (s) expect(await real.call(s, 'center.demoPersons', {})).toMatchObject({ ok: false, error: { code: 'NOT_DEMO' } });
      expect(await real.app.center.probeNow()).toBe(false);
      expect(real.app.status.get().center).toMatchObject({ mode: 'offline', sandbox: false, url: 'http://127.0.0.1:9' });
    } finally {
      await real.close();
    }
  });
});
