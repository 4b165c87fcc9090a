// Center benchmarks: message id (one durable commit each), a 1101 round trip over loopback
// HTTP to the sandbox center, a 2207 upload with the center's recomputation, and the full
// demo-table download (1399) — all through the real client.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../electron/app/clock';
import { silentLogger } from '../../electron/app/log';
import { CenterClient } from '../../electron/center/client';
import { DEMO_PERSONS } from '../../electron/center/sandbox/demo-persons';
import { startSandboxCenter } from '../../electron/center/sandbox/server';
import { openDatabase } from '../../electron/db/open';
import { localSettlement } from '../integration/center/helpers';
import { personFromOutput, personOutputSchema } from '../../electron/center/wire/person';
import { tempDir } from '../helpers/temp-app';
import { time, type Bench } from './harness';

const centerBench: Bench = {
  name: 'center: msgid, 1101, 2207, 1399 over loopback',
  async run() {
    const dir = tempDir('center-bench-');
    const clock = new ManualClock(new Date('2026-03-15T09:00:00+08:00'));
    const center = await startSandboxCenter({ dataDir: join(dir, 'sandbox'), institutionCode: 'H99010000001', secret: 'sandbox-secret-0001', clock });
    const { db } = openDatabase({ file: join(dir, 'cashier.db') });
    const client = new CenterClient(db, clock, silentLogger, { url: center.url, institutionCode: 'H99010000001', terminalNo: '01', institutionName: 'bench', institutionSecret: 'sandbox-secret-0001', areaCode: '990100', caFile: '' });
    try {
      const ids = await time(() => client.newMsgId(), 500);
      const p = DEMO_PERSONS[0]!;
      const lookup = await time(async () => {
        const r = await client.send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certno } });
        if (r.kind !== 'success') throw new Error(r.kind);
      }, 200);
      const person = await client.send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certno } });
      const view = { ...personFromOutput(personOutputSchema.parse((person as { output: unknown }).output)), source: 'live' as const, cachedAt: '' };
      let n = 0;
      const upload = await time(async () => {
        const fresh = await client.send('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: p.certno } });
        const v = { ...view, ...personFromOutput(personOutputSchema.parse((fresh as { output: unknown }).output)) };
        const { input } = localSettlement(center, v, { visitType: 'outpatient', hospitalLevel: 1, date: '2026-03-15' }, [{ code: '250101015000000', unitPrice: '12.00', quantity: '1' }], `B${n++}`);
        const r = await client.send('2207', input);
        if (r.kind !== 'success') throw new Error(r.kind);
      }, 100, 5);
      const table = await time(async () => {
        const r = await client.send('1399', { data: { seq: 0 } }, { maxResponseBytes: 64 * 1024 * 1024 });
        if (r.kind !== 'success') throw new Error(r.kind);
      }, 30, 3);
      return [
        { name: 'center: newMsgId (durable commit)', median: ids.median, p99: ids.p99, unit: 'ms' },
        { name: 'center: 1101 round trip (loopback)', median: lookup.median, p99: lookup.p99, unit: 'ms' },
        { name: 'center: 1101 + 2207 with recompute', median: upload.median, p99: upload.p99, unit: 'ms' },
        { name: 'center: 1399 full demo table (~300 items)', median: table.median, p99: table.p99, unit: 'ms' },
      ];
    } finally {
      client.close();
      await center.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const benches: Bench[] = [centerBench];
