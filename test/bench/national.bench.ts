// The national chain (issue 16) over loopback, through the real client and a real SQLite
// journal: one visit from the first 2201 to the center's 2207 answer (five exchanges, each
// journaled before it is sent), and the replay of chains journaled while the center was away.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../electron/app/clock';
import { silentLogger } from '../../electron/app/log';
import { CenterClient } from '../../electron/center/client';
import { NationalChainRunner } from '../../electron/center/national/chain-runner';
import { ChainStore } from '../../electron/center/national/chain-store';
import { startSandboxCenter } from '../../electron/center/sandbox/server';
import { openDatabase } from '../../electron/db/open';
import { chainSpec } from '../integration/center/national-chain-fixtures';
import { tempDir } from '../helpers/temp-app';
import { time, type Bench } from './harness';
import { newSession } from '../../electron/api/session';
import { openClient, prepareClient, randomBill, rng, startCenter } from '../integration/settlement/fixtures';

const nationalBench: Bench = {
  name: 'national: chain online, replay after an outage',
  async run() {
    const dir = tempDir('national-bench-');
    const clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));
    const center = await startSandboxCenter({ dataDir: join(dir, 'sandbox'), institutionCode: 'H99010000001', secret: 'sandbox-secret-0001', clock });
    const { db } = openDatabase({ file: join(dir, 'cashier.db') });
    const client = new CenterClient(db, clock, silentLogger, { url: center.url, institutionCode: 'H99010000001', terminalNo: '01', institutionName: 'bench', institutionSecret: 'sandbox-secret-0001', areaCode: '990100', caFile: '', defaultTimeoutMs: 2000 });
    const runner = new NationalChainRunner(new ChainStore(db), client, clock);
    let n = 0;
    const chain = async () => {
      const id = `B${++n}`;
      runner.start(id, chainSpec(n));
      const r = await runner.drive(id);
      if (r.kind !== 'settled') throw new Error(`${id}: ${JSON.stringify(r)}`);
    };
    try {
      const online = await time(chain, 100, 5);
      // Offline: each chain stops at its first step (refused connection), journaled.
      await center.setOffline(true);
      const queued = 200;
      for (let i = 0; i < queued; i++) {
        const id = `O${i}`;
        runner.start(id, chainSpec(10_000 + i));
        await runner.drive(id);
      }
      await center.setOffline(false);
      const t0 = performance.now();
      const results = await runner.resumeAll();
      const seconds = (performance.now() - t0) / 1000;
      const settled = results.filter((r) => r.kind === 'settled').length;
      return [
        { name: 'national: one visit 2201→2207 (5 exchanges, journaled)', median: online.median, p99: online.p99, unit: 'ms', note: 'loopback sandbox; includes the center’s own split' },
        { name: `national: replay of ${queued} chains queued offline`, throughput: settled / seconds, note: `${settled}/${queued} settled; each replay also sends a 2601 for the step that met the outage` },
      ];
    } finally {
      client.close();
      await center.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};


/**
 * The window in the national protocol (issue 16): the real app (centerProtocol national) against
 * the loopback sandbox — settle key to the center's answer at the window (settlement.settle
 * returns once the chain's 2207 is applied: 已确认), and the offline replay rate (settlements made
 * with the center away, each one chain in the outbox, uploaded by the worker when it is back).
 */
const windowBench: Bench = {
  name: 'national window: settle → center answer, offline replay',
  async run() {
    const dir = tempDir('national-window-bench-');
    const center = await startCenter(join(dir, 'center'));
    const app = await openClient({ dataDir: join(dir, 'client'), centerUrl: center.url, flags: { centerProtocol: 'national', centerAnswerWaitSeconds: '10', offlineLimitPerSettlement: '100000000', offlineLimitPerDay: '1000000000' } });
    try {
      await prepareClient(app);
      app.settlement.worker.start();
      const cashier = newSession('test');
      const login = await app.call(cashier, 'auth.login', { operatorId: '1001', pin: '1234' });
      if (!login.ok) throw new Error(login.error.message);
      const r = rng(16);
      const settle = async (): Promise<string> => {
        const res = await app.call(cashier, 'settlement.settle', randomBill(r));
        if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
        return (res.value as { state: string }).state;
      };
      let notAnswered = 0;
      const online = await time(async () => {
        const state = await settle();
        if (state === 'provisional') notAnswered++;
      }, 60, 5);
      await center.setOffline(true);
      await app.center.probeNow();
      const queued = 150;
      for (let i = 0; i < queued; i++) await settle();
      await center.setOffline(false);
      const t0 = performance.now();
      await app.center.probeNow();
      const drained = await app.settlement.drain({ untilEmpty: true, timeoutMs: 300_000 });
      const seconds = (performance.now() - t0) / 1000;
      return [
        { name: 'national window: settle key → center’s answer at the window', median: online.median, p99: online.p99, unit: 'ms', note: `loopback sandbox, whole settle call (lookup, split, commit, chain 2201→2207, answer applied); ${notAnswered} not answered within the wait` },
        { name: `national window: offline replay of ${queued} settlements (one chain each)`, throughput: (queued - drained.remaining) / seconds, note: `${drained.remaining} left; per person in commit order, worker concurrency default` },
      ];
    } finally {
      await app.close();
      await center.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const benches: Bench[] = [nationalBench, windowBench];
