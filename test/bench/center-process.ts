// A sandbox center in a process of its own, for the settlement bench with
// SETTLE_BENCH_CENTER=process: in production the center is another system on another machine,
// so its CPU and its disk flushes are not the client's. Registers generated persons 1..n,
// prints one JSON line {url, controlUrl}, and stops on SIGTERM or when its stdin closes.
// Usage: tsx test/bench/center-process.ts <dataDir> <persons>
import { registerGeneratedPersons } from '../../electron/center/sandbox/persons';
import { startSandboxCenter } from '../../electron/center/sandbox/server';
import { INSTITUTION } from '../integration/settlement/fixtures';

const [dataDir, persons] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: center-process.ts <dataDir> <persons>');
const center = await startSandboxCenter({ dataDir, institutionCode: INSTITUTION.code, secret: INSTITUTION.secret, port: 0, controlPort: 0 });
registerGeneratedPersons(center.db, Number(persons ?? 0), new Date());
process.stdout.write(JSON.stringify({ url: center.url, controlUrl: center.controlUrl }) + '\n');
const stop = () => void center.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
// The bench holds our stdin: if it dies, its end closes and we stop too.
process.stdin.on('end', stop);
process.stdin.resume();
