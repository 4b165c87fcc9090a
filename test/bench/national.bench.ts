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

export const benches: Bench[] = [nationalBench];
