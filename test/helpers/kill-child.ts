// The parent side of the crash tests (settlement/crash-run.ts, inpatient/stay-crash.test.ts): a
// child script run with tsx from the project folder, SIGKILLed a while after it prints READY (or
// left to finish, for its drain), its output collected; a child that fails on its own adds the
// end of its stderr, so the test says why.
import { spawn } from 'node:child_process';
import { projectPath } from '../../electron/app/paths';

export interface ChildRun {
  code: number | null;
  signal: string | null;
  out: string;
}

/** Runs `script` with `args`; `killAfterReadyMs` null lets it exit by itself (at most 180 s). */
export function runKillableChild(script: string, args: string[], killAfterReadyMs: number | null): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (d: Buffer) => {
      const before = out;
      out += d.toString();
      if (killAfterReadyMs !== null && !before.includes('READY') && out.includes('READY')) setTimeout(() => child.kill('SIGKILL'), killAfterReadyMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (code !== null && code !== 0 && signal === null) out += `\nSTDERR ${err.slice(-2000)}`;
      resolve({ code, signal, out });
    });
  });
}
