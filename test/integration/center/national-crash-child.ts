// The process the national crash test kills: resumes every open chain, prints READY, then
// starts and drives chains against the sandbox center as fast as it can; it never exits on its
// own. Usage: node --import tsx national-crash-child.ts <dbFile> <centerUrl> <run>
import { systemClock } from '../../../electron/app/clock';
import { silentLogger } from '../../../electron/app/log';
import { CenterClient } from '../../../electron/center/client';
import { NationalChainRunner } from '../../../electron/center/national/chain-runner';
import { ChainStore } from '../../../electron/center/national/chain-store';
import { openDatabase } from '../../../electron/db/open';
import { chainSpec } from './national-chain-fixtures';
import { INSTITUTION, SECRET } from './helpers';

const [dbFile, centerUrl, runArg] = process.argv.slice(2);
if (!dbFile || !centerUrl || !runArg) {
  process.stderr.write('usage: national-crash-child <dbFile> <centerUrl> <run>\n');
  process.exit(2);
}
const { db } = openDatabase({ file: dbFile });
const client = new CenterClient(db, systemClock, silentLogger, {
  url: centerUrl, institutionCode: INSTITUTION, terminalNo: '01', institutionName: '示范社区卫生服务中心', institutionSecret: SECRET, areaCode: '990100', caFile: '', defaultTimeoutMs: 1500,
});
const runner = new NationalChainRunner(new ChainStore(db), client, systemClock);
await runner.resumeAll();
process.stdout.write('READY\n');
for (let i = 0; ; i++) {
  const id = `K${runArg.padStart(4, '0')}-${String(i).padStart(4, '0')}`;
  runner.start(id, chainSpec(Number(runArg) * 1000 + i));
  const r = await runner.drive(id);
  process.stdout.write(`${r.kind} ${id}\n`);
}
