// Runs the real CLI in a child process, as an operator would.
import { spawnSync, type ChildProcess } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string, timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/run.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
    timeout: timeoutMs,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Stop a long-running CLI child (`center serve`) and wait until it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
