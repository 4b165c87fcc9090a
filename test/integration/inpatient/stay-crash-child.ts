// The process the stay crash test kills (issue 19). `work`: admit stays, add fee batches,
// discharge and settle them against the sandbox center as fast as it can while the stay sender
// uploads the steps; it never exits on its own. `drain`: send every step left and exit.
// Usage: node --import tsx stay-crash-child.ts <dataDir> <centerUrl> <seed> <work|drain> [simple|national]
import { callApp } from '../../helpers/app-call';
import { cashierSession } from '../../helpers/work-child';
import { openClient, rng, SETTLEABLE } from '../settlement/fixtures';

const [dataDir, centerUrl, seedArg, mode, protocol] = process.argv.slice(2);
if (!dataDir || !centerUrl || !seedArg || !mode) {
  process.stderr.write('usage: stay-crash-child <dataDir> <centerUrl> <seed> <work|drain>\n');
  process.exit(2);
}

const app = await openClient({ dataDir, centerUrl, flags: { ...(protocol === 'national' ? { centerProtocol: 'national' } : {}) } });
await app.center.probeNow();

if (mode === 'drain') {
  for (let i = 0; i < 200 && app.inpatient.queue.openCount() > 0; i++) {
    app.inpatient.queue.wakeAll();
    await app.inpatient.drain();
    if (app.inpatient.queue.openCount() > 0) await new Promise((r) => setTimeout(r, 50));
  }
  const remaining = app.inpatient.queue.openCount();
  process.stdout.write(`DRAINED ${remaining}\n`);
  await app.close();
  process.exit(remaining === 0 ? 0 : 1);
}

const PERSONS = SETTLEABLE.filter((p) => ['王芳', '杨磊', '周杰', '孙浩'].includes(p.psn_name));
const CODES = ['120100001000000', '250101015000000'];
const r = rng(Number(seedArg));
const cashier = await cashierSession(app);
app.inpatient.sender.start();
process.stdout.write('READY\n');

const say = (what: string, res: { ok: boolean; error?: { code: string } }) => process.stdout.write(res.ok ? `${what}\n` : `E ${res.error?.code}\n`);
for (;;) {
  const p = PERSONS[Math.floor(r() * PERSONS.length)]!;
  const open = (await callApp(app, cashier, 'inpatient.list', {})).ok ? app.inpatient.service.list('open').find((s) => s.patientName === p.psn_name) : undefined;
  if (!open) {
    const res = await callApp(app, cashier, 'inpatient.admit', {
      person: { certType: '02', certNo: p.certno },
      admission: { department: { code: 'NK', name: '内科' }, ward: '一病区', doctor: { code: 'D01', name: '医生甲' }, diagnoses: ['J18.9'] },
    });
    say('A', res);
  } else if (open.state === 'admitted' && (open.runningTotal === 0 || r() < 0.75)) {
    const n = 1 + Math.floor(r() * 3);
    const items = Array.from({ length: n }, () => ({ code: CODES[Math.floor(r() * CODES.length)]!, unitPrice: `${10 + Math.floor(r() * 500)}.00`, quantity: String(1 + Math.floor(r() * 3)) }));
    say('F', await callApp(app, cashier, 'inpatient.addFees', { stayId: open.id, items }));
  } else if (open.state === 'admitted') {
    say('D', await callApp(app, cashier, 'inpatient.discharge', { stayId: open.id, diagnoses: ['J18.9'] }));
  } else {
    say('S', await callApp(app, cashier, 'inpatient.settle', { stayId: open.id, cashReceived: 100_000_000 }));
  }
  await new Promise((resolve) => setTimeout(resolve, Math.floor(r() * 20)));
}
