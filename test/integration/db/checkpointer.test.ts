// The background WAL checkpointer on real, encrypted database files: the worker (not the
// writer's commits) copies the WAL back; nothing written is lost; a dead worker hands the job
// back to auto-checkpoint; closing leaves no thread behind.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../electron/app/log';
import { openKeyed } from '../../../electron/db/backup';
import { HARD_LIMIT_FRAMES, runningCheckpointers, startCheckpointer } from '../../../electron/db/checkpointer';
import { openDatabase, type Db } from '../../../electron/db/open';
import { startTempApp, tempDir } from '../../helpers/temp-app';

const KEY = "x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'";
const PAGE = 4096;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (m: string, c?: Record<string, unknown>) => void lines.push(`${m} ${JSON.stringify(c ?? {})}`);
  return { lines, info: put, warn: put, error: put };
}

function freshFile(): string {
  const dir = tempDir('checkpointer-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'cashier.db');
}

/** ~1 page per row: `pages` rows of 3,900 random bytes, in commits of 100 rows. */
function writePages(db: Db, pages: number, from = 0): void {
  db.exec('CREATE TABLE IF NOT EXISTS blobs (n INTEGER PRIMARY KEY, b BLOB NOT NULL)');
  const ins = db.prepare('INSERT INTO blobs (n, b) VALUES (?, randomblob(3900))');
  for (let i = 0; i < pages; i += 100) {
    db.transaction(() => {
      for (let k = i; k < Math.min(pages, i + 100); k++) ins.run(from + k);
    })();
  }
}

/** Frames in the WAL now, as a third connection sees them (its own PASSIVE checkpoint reports the log's length). */
function walFrames(file: string, key: string): number {
  const third = openKeyed(file, key, false);
  try {
    return (third.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
  } finally {
    third.close();
  }
}

/** Frames the WAL file has room for: its high-water mark (a frame is a page and a 24-byte header; the file has a 32-byte header). */
function walFileFrames(file: string): number {
  return (statSync(`${file}-wal`).size - 32) / (PAGE + 24);
}

/** The WAL header's checkpoint sequence number: SQLite counts one up each time the WAL starts over. */
function walRestarts(file: string): number {
  const header = Buffer.alloc(32);
  const fd = openSync(`${file}-wal`, 'r');
  try {
    return readSync(fd, header, 0, 32, 0) < 32 ? 0 : header.readUInt32BE(12);
  } finally {
    closeSync(fd);
  }
}

/** The file opened as the app opens it, with its worker running (asserted); both closed after the test. */
async function openWithWorker(file: string, backgroundCheckpoint: true | { intervalMs: number }, log: Logger = recordingLog()) {
  const { db, checkpointer } = openDatabase({ file, key: KEY, backgroundCheckpoint, log });
  cleanups.push(() => db.open && db.close());
  cleanups.push(() => checkpointer?.close());
  expect(await checkpointer!.ready).toBe(true);
  return { db, checkpointer: checkpointer! };
}

describe('background WAL checkpointer', () => {
  it('the worker, not the commits, copies > 1,000 pages back; the writer then restarts the WAL', async () => {
    const file = freshFile();
    // A long interval: only the checkpoint asked for below runs.
    const { db, checkpointer } = await openWithWorker(file, { intervalMs: 3_600_000 });
    expect(checkpointer.state()).toBe('running');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(HARD_LIMIT_FRAMES);

    const sizeBefore = statSync(file).size;
    writePages(db, 1500);
    // No commit checkpointed: the database file has not grown, every page is still in the WAL.
    expect(statSync(file).size).toBe(sizeBefore);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1500 * PAGE);

    const r = await checkpointer.checkpoint();
    expect(r).not.toBeNull();
    expect(r!.log).toBeGreaterThan(1500);
    expect(r!.checkpointed).toBe(r!.log);
    expect(statSync(file).size).toBeGreaterThan(1500 * PAGE);

    // Everything was copied back, so the next commit starts the WAL over.
    db.prepare('INSERT INTO blobs (n, b) VALUES (?, zeroblob(1))').run(1_000_000);
    expect(walFrames(file, KEY)).toBeLessThan(10);
  });

  it('while commits keep coming, the WAL keeps starting over (it does not grow with what is written)', async () => {
    const file = freshFile();
    const { db } = await openWithWorker(file, true);
    db.exec('CREATE TABLE blobs (n INTEGER PRIMARY KEY, b BLOB NOT NULL)');
    const ins = db.prepare('INSERT INTO blobs (n, b) VALUES (?, randomblob(3900))');
    const startedAt = walRestarts(file);
    // 15,000 commits of 4 pages, each followed only by a turn of the event loop, as a busy
    // window's settles would be (far busier): more than 60,000 frames. A checkpointer that only
    // races the writer lets the WAL hold them all. How far past the 10,000-frame bound the WAL
    // gets depends on the CPU: a worker starved in the middle of its checkpoint holds SQLite's
    // checkpoint lock, and the main connection's copy waits for it (up to ~21,000 frames with
    // eight busy loops on two cores). So the test asserts what holds on any machine: the WAL
    // started over again and again (SQLite counts that in the WAL header), and its file stays
    // far smaller than what was written. The bound itself is the next test's.
    const commits = 15_000;
    for (let c = 0; c < commits; c++) {
      db.transaction(() => {
        for (let k = 0; k < 4; k++) ins.run(c * 4 + k);
      })();
      await new Promise((res) => setImmediate(res));
    }
    const written = commits * 4;
    expect(walRestarts(file) - startedAt).toBeGreaterThanOrEqual(Math.floor(written / (2 * HARD_LIMIT_FRAMES)));
    expect(walFileFrames(file)).toBeLessThan(written / 2);
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: written });
  }, 180_000);

  it('a worker that never gets to run still leaves the WAL bounded: the commits keep the hard limit', async () => {
    const file = freshFile();
    // A worker that never ticks stands for one starved of CPU on a loaded machine.
    const { db } = await openWithWorker(file, { intervalMs: 3_600_000 });
    writePages(db, 2.5 * HARD_LIMIT_FRAMES);
    // The main connection copied at the bound, and the next commit started the WAL over.
    expect(walFrames(file, KEY)).toBeLessThan(HARD_LIMIT_FRAMES);
    expect(walFileFrames(file)).toBeLessThan(HARD_LIMIT_FRAMES + 200);
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 2.5 * HARD_LIMIT_FRAMES });
  }, 120_000);

  it('checkpoints on its own timer, and every row is there after close and reopen', async () => {
    const file = freshFile();
    const { db, checkpointer } = await openWithWorker(file, { intervalMs: 50 });
    writePages(db, 1200);
    const want = db.prepare('SELECT count(*) AS n, sum(length(b)) AS bytes, total(n) AS ids FROM blobs').get();
    // Waits for the timer's checkpoint (not a speed check: the deadline only ends a broken run).
    const deadline = Date.now() + 20_000;
    while (statSync(file).size < 1200 * PAGE && Date.now() < deadline) await new Promise((res) => setTimeout(res, 25));
    expect(statSync(file).size).toBeGreaterThan(1200 * PAGE);

    await checkpointer.close();
    expect(checkpointer.state()).toBe('closed');
    db.close();
    const again = openDatabase({ file, key: KEY });
    cleanups.push(() => again.db.close());
    expect(again.db.prepare('SELECT count(*) AS n, sum(length(b)) AS bytes, total(n) AS ids FROM blobs').get()).toEqual(want);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a killed worker hands checkpoints back to the main connection, and says so', async () => {
    const file = freshFile();
    const log = recordingLog();
    const { db, checkpointer } = await openWithWorker(file, { intervalMs: 3_600_000 }, log);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(HARD_LIMIT_FRAMES);

    await checkpointer.worker.terminate();
    // The exit event runs after terminate() settles; wait for it.
    while (checkpointer.state() === 'running') await new Promise((res) => setTimeout(res, 5));
    expect(checkpointer.state()).toBe('fallback');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(log.lines.join('\n')).toMatch(/意外退出/);
    expect(await checkpointer.checkpoint()).toBeNull();

    // The main connection's own commits checkpoint again: the WAL does not keep growing.
    writePages(db, 1500);
    db.prepare('INSERT INTO blobs (n, b) VALUES (?, zeroblob(1))').run(1_000_000);
    expect(walFrames(file, KEY)).toBeLessThan(1000);
    expect(runningCheckpointers()).toBe(0);
  });

  it('a worker that cannot open the file (wrong key) leaves auto-checkpoint on, and the key out of the log', async () => {
    const file = freshFile();
    const { db } = openDatabase({ file, key: KEY });
    cleanups.push(() => db.close());
    const log = recordingLog();
    const wrong = "x'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100'";
    const cp = startCheckpointer(db, { file, key: wrong, log });
    cleanups.push(() => cp.close());
    expect(await cp.ready).toBe(false);
    expect(cp.state()).toBe('fallback');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(log.lines.join('\n')).toMatch(/未能启动/);
    expect(log.lines.join('\n')).not.toContain('ffeeddcc');
  });

  it('readonly and in-memory opens get no checkpointer', () => {
    const file = freshFile();
    openDatabase({ file, key: KEY }).db.close();
    const ro = openDatabase({ file, key: KEY, readonly: true, backgroundCheckpoint: true });
    cleanups.push(() => ro.db.close());
    expect(ro.checkpointer).toBeNull();
    const mem = openDatabase({ file: ':memory:', backgroundCheckpoint: true });
    cleanups.push(() => mem.db.close());
    expect(mem.checkpointer).toBeNull();
  });

  it('an app starts one checkpointer by default and its close ends the thread', async () => {
    const before = runningCheckpointers();
    const t = await startTempApp({ dbKey: KEY });
    cleanups.push(() => t.close());
    expect(runningCheckpointers()).toBe(before + 1);
    // The worker is up once the main connection's auto-checkpoint is off.
    while (t.app.db.pragma('wal_autocheckpoint', { simple: true }) !== HARD_LIMIT_FRAMES) await new Promise((res) => setTimeout(res, 5));
    await t.close();
    expect(runningCheckpointers()).toBe(before);

    const off = await startTempApp({ dbKey: KEY, backgroundCheckpoint: false });
    cleanups.push(() => off.close());
    expect(runningCheckpointers()).toBe(before);
    expect(off.app.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('in a process with nothing else to do: awaited answers arrive, and a forgotten close() does not keep it alive', () => {
    const file = freshFile();
    // The worker holds the process open only while it is awaited; a child shows both halves.
    const script = (close: boolean) => `
      import { openDatabase } from './electron/db/open.ts';
      const { db, checkpointer } = openDatabase({ file: ${JSON.stringify(file)}, key: ${JSON.stringify(KEY)}, backgroundCheckpoint: true });
      const ready = await checkpointer.ready;
      db.exec('CREATE TABLE IF NOT EXISTS t (b BLOB); INSERT INTO t VALUES (randomblob(50000))');
      const r = await checkpointer.checkpoint();
      console.log(JSON.stringify({ ready, checkpointed: r && r.checkpointed > 0 }));
      ${close ? 'await checkpointer.close(); db.close(); console.log("closed");' : ''}
    `;
    for (const close of [true, false]) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(close)], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
      expect({ close, status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({ close, status: 0, signal: null, stderr: '' });
      expect(child.stdout).toBe(`{"ready":true,"checkpointed":true}\n${close ? 'closed\n' : ''}`);
    }
  }, 120_000);
});
