// One crash run, shared by the normal suite (≥ 20 kills) and test/long (≥ 200): a child process
// settles and uploads while it is SIGKILLed at random moments and the sandbox center answers
// busy or drops responses after committing; then a clean drain, then the checks.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openClient, prepareClient, rng, startCenter } from './fixtures';
import { checkJournal, checkNationalJournal, type JournalCheck } from './verify';
import { runKillableChild } from '../../helpers/kill-child';

const CHILD = join(fileURLToPath(new URL('.', import.meta.url)), 'crash-child.ts');

const runChild = (args: string[], killAfterReadyMs: number | null) => runKillableChild(CHILD, args, killAfterReadyMs);

export interface CrashRunResult extends JournalCheck {
  kills: number;
  committedSeen: number;
  drainOut: string;
}

export async function crashRun(dir: string, kills: number, seed: number, log: (s: string) => void = () => undefined, protocol: 'simple' | 'national' = 'simple'): Promise<CrashRunResult> {
  const center = await startCenter(join(dir, 'center'));
  const clientDir = join(dir, 'client');
  const national = protocol === 'national';
  try {
    const app = await openClient({ dataDir: clientDir, centerUrl: center.url, ...(national ? { flags: { centerProtocol: 'national' } } : {}) });
    await app.center.probeNow();
    await prepareClient(app);
    await app.close();

    const r = rng(seed);
    let done = 0;
    let committedSeen = 0;
    while (done < kills) {
      // The center misbehaves at random: busy answers and responses lost after commit.
      await center.clearFaults();
      const which = r();
      await center.setFaults({
        busy: which < 0.4 ? { count: 1 + Math.floor(r() * 4) } : null,
        dropAfterCommit: which > 0.3 ? { count: 1 + Math.floor(r() * 3), ...(r() < 0.5 ? { infno: '2207' } : {}) } : null,
      });
      // National: now and then the center is away for a whole run (the window settles offline,
      // the chains wait) and back for the next (the kill then hits the offline replay).
      if (national) await center.setOffline(r() < 0.3);
      const res = await runChild([clientDir, center.url, String(seed * 1000 + done), 'work', protocol], Math.floor(r() * (national ? 1500 : 700)));
      if (res.signal !== 'SIGKILL') throw new Error(`child ended by itself (${res.code}): ${res.out.slice(-2000)}`);
      committedSeen += res.out.split('\n').filter((l) => l.startsWith('S ') || l.startsWith('R ')).length;
      done++;
      log(`kill ${done}/${kills}: ${res.out.split('\n').filter((l) => /^[SRE] /.test(l)).length} operations`);
    }
    await center.clearFaults();
    await center.setOffline(false);
    const drain = await runChild([clientDir, center.url, String(seed), 'drain', protocol], null);
    if (drain.code !== 0) throw new Error(`drain failed (${drain.code}): ${drain.out.slice(-2000)}`);
    const check = national ? checkNationalJournal(join(clientDir, 'cashier.db'), center) : checkJournal(join(clientDir, 'cashier.db'), center);
    return { ...check, kills: done, committedSeen, drainOut: drain.out.trim() };
  } finally {
    await center.close();
  }
}
