// A pseudo-terminal pair from socat: what the driver opens on one end, the emulator on the
// other, with real serial I/O (termios, serialport) in between.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** The driver's end. */
  a: string;
  /** The device (emulator) end. */
  b: string;
  /** Tear the line down (like unplugging the device). */
  kill(): Promise<void>;
  /** Bring a line back on the same paths (like plugging it in again). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'pty-'));
  const a = join(dir, 'A');
  const b = join(dir, 'B');
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    await waitFor(() => existsSync(a) && existsSync(b), 'socat pty links');
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(a) && !existsSync(b), 'socat to remove its links');
  };
  await start();
  return {
    a,
    b,
    kill,
    restart: start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
