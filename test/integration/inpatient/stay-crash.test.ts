// kill -9 over a stay's uploads (issue 19): a window admitting stays, adding fee batches,
// discharging and settling them is SIGKILLed at random moments while the sandbox center answers
// busy and loses answers after committing. After one clean drain, every stay agrees with the
// center, checked from both sides' own tables: each fee line of the window is held once by the
// center under its batch's msgid (no batch twice, none lost), each step done, each settlement of
// the journal standing once at the center with the journal row taking its answer.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-app';
import { runKillableChild } from '../../helpers/kill-child';
import { rowCount } from '../../helpers/db-rows';
import { many, values } from '../../../electron/db/sql';
import { z } from 'zod';
import { openClient, prepareClient, rng, startCenter } from '../settlement/fixtures';

const CHILD = join(fileURLToPath(new URL('.', import.meta.url)), 'stay-crash-child.ts');
const dir = tempDir('stay-crash-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runChild = (args: string[], killAfterReadyMs: number | null) => runKillableChild(CHILD, args, killAfterReadyMs);

describe.each(['simple', 'national'] as const)('stays under SIGKILL, %s protocol', (protocol) => {
  it('every fee batch reaches the center once and every step and settlement agrees after random kills', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100000);
    const kills = Number(process.env.STAY_KILLS ?? 6);
    const base = join(dir, protocol);
    const center = await startCenter(join(base, 'center'));
    const clientDir = join(base, 'client');
    try {
      const flags: Record<string, string> = protocol === 'national' ? { centerProtocol: 'national' } : {};
      const app = await openClient({ dataDir: clientDir, centerUrl: center.url, flags });
      await prepareClient(app);
      await app.close();
      const r = rng(seed);
      let operations = 0;
      for (let k = 0; k < kills; k++) {
        await center.clearFaults();
        const which = r();
        await center.setFaults({
          busy: which < 0.4 ? { count: 1 + Math.floor(r() * 3) } : null,
          dropAfterCommit: which > 0.3 ? { count: 1 + Math.floor(r() * 3), ...(r() < 0.5 ? { infno: '2301' } : {}) } : null,
        });
        const res = await runChild([clientDir, center.url, String(seed * 100 + k), 'work', protocol], 300 + Math.floor(r() * 1200));
        expect(res.signal, res.out.slice(-1500)).toBe('SIGKILL');
        operations += res.out.split('\n').filter((l) => /^[AFDS]$/.test(l)).length;
      }
      await center.clearFaults();
      const drain = await runChild([clientDir, center.url, String(seed), 'drain', protocol], null);
      expect(drain.code, drain.out.slice(-1500)).toBe(0);
      expect(operations, `seed ${seed}`).toBeGreaterThan(kills);

      // Both sides' own tables.
      const db = new Database(join(clientDir, 'cashier.db'), { readonly: true });
      try {
        const notDone = db.prepare("SELECT kind, state, last_error AS error FROM stay_outbox WHERE state <> 'done' ORDER BY id").all();
        expect({ seed, notDone }).toEqual({ seed, notDone: [] });
        const stays = many(db, "SELECT id, center_stay_id FROM stays WHERE state <> 'cancelled'", {}, z.object({ id: z.string(), center_stay_id: z.string().nullable() }));
        expect(stays.length).toBeGreaterThan(0);
        const sentMsgids = new Set(center.envelopes().filter((e) => e.infno === '2301').map((e) => e.msgid));
        let lines = 0;
        for (const s of stays) {
          expect(s.center_stay_id, `stay ${s.id} has its mdtrt_id (seed ${seed})`).toBeTruthy();
          const local = { n: rowCount(db, 'stay_fee_lines', 'stay_id = :stayId AND revoked = 0', { stayId: s.id }) };
          const atCenter = center.stay(s.center_stay_id!)!;
          // Every counted line held by the center once (its feedetl_sn is the key there: a batch sent twice would double nothing, a lost one would be missing).
          expect({ seed, stay: s.id, lines: atCenter.openFees }).toEqual({ seed, stay: s.id, lines: local.n });
          lines += local.n;
          // Each batch went out under its one msgid.
          for (const msgid of values(db, "SELECT msgid FROM stay_outbox WHERE stay_id = :stayId AND kind = 'fees'", { stayId: s.id }, z.string())) expect(sentMsgids.has(msgid)).toBe(true);
          // Each standing settlement of the journal stands once at the center, the journal row took its answer.
          const settled = many(
            db,
            'SELECT ss.settlement_id AS id, st.state AS state FROM stay_settlements ss JOIN settlements st ON st.id = ss.settlement_id WHERE ss.stay_id = :stayId AND ss.cancelled_by IS NULL',
            { stayId: s.id },
            z.object({ id: z.string(), state: z.string() }),
          );
          expect(atCenter.liveSettlements.length).toBe(settled.length);
          for (const x of settled) expect(['confirmed', 'adjusted']).toContain(x.state);
        }
        expect(lines).toBeGreaterThan(0);
      } finally {
        db.close();
      }
    } finally {
      await center.close();
    }
  }, 600_000);
});
