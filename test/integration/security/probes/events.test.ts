// Probe: card-read events (name, ID number, birth date) go only to a session allowed to see
// them (issue 14). Sockets that only hold the WebSocket token — never logged in, logged out, or
// locked — are listening while a logged-in cashier's reader reads a card (card.read) and fails
// on an expired card (card.failed): they must receive neither, the cashier both. Public events
// (the status bar) still reach everyone. The process stays alive; no row changes from listening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiSocket, sleep, startProbeTarget, type ApiSocket, type ProbeTarget } from './harness';

let target: ProbeTarget;

beforeAll(async () => {
  target = await startProbeTarget();
}, 120_000);

afterAll(async () => {
  await target?.stop();
});

interface Listener {
  socket: ApiSocket;
  events: Array<{ event: string; payload: unknown }>;
}

async function listener(setup: (s: ApiSocket) => Promise<void> = async () => undefined): Promise<Listener> {
  const socket = await openApiSocket(target.port, target.token);
  const events: Listener['events'] = [];
  socket.ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { event?: string; payload?: unknown };
    if (typeof m.event === 'string') events.push({ event: m.event, payload: m.payload });
  });
  await setup(socket);
  return { socket, events };
}

const login = async (s: ApiSocket) => expect((await s.call('auth.login', { operatorId: '1002', pin: '1234' })).ok).toBe(true);
const cardEvents = (l: Listener) => l.events.filter((e) => e.event === 'card.read' || e.event === 'card.failed');

describe('card-read events', () => {
  it('reach only the logged-in, unlocked session — not a token-only, logged-out or locked socket', async () => {
    const stranger = await listener();
    const loggedOut = await listener(async (s) => {
      await login(s);
      expect((await s.call('auth.logout', {})).ok).toBe(true);
    });
    const locked = await listener(async (s) => {
      await login(s);
      expect((await s.call('security.lock', {})).ok).toBe(true);
    });
    const cashier = await listener(async (s) => expect((await s.call('auth.login', { operatorId: '1001', pin: '1234' })).ok).toBe(true));

    const cards = await cashier.socket.call('device.demoCards', {});
    expect(cards.ok).toBe(true);
    const list = cards.value as Array<{ index: number; name: string; note: string; credentials: string[] }>;
    const ok = list.find((c) => c.credentials.includes('idcard') && !/过有效期|暂停/.test(c.note))!;
    const expired = list.find((c) => /过有效期/.test(c.note))!;
    const read = await cashier.socket.call('device.demoInsert', { index: ok.index, credential: 'idcard' });
    expect(read.ok, JSON.stringify(read.error)).toBe(true);
    const failed = await cashier.socket.call('device.demoInsert', { index: expired.index, credential: 'ssc' });
    expect(failed.ok).toBe(false);
    await sleep(500);

    // The cashier sees both, with the patient's identity.
    expect(cardEvents(cashier).map((e) => e.event).sort()).toEqual(['card.failed', 'card.read']);
    expect(JSON.stringify(cashier.events)).toContain(ok.name);
    // Nobody else sees either, nor any trace of the patient.
    for (const [who, l] of [['token only', stranger], ['logged out', loggedOut], ['locked', locked]] as const) {
      expect(cardEvents(l), who).toEqual([]);
      expect(JSON.stringify(l.events), who).not.toContain(ok.name);
    }
    for (const l of [stranger, loggedOut, locked, cashier]) l.socket.close();
    await target.expectAlive();
  }, 60_000);

  it('public events (the status bar) still reach a socket that is not logged in', async () => {
    const stranger = await listener();
    const cashier = await target.api();
    // The demo printer runs out of paper and gets paper again: the status bar's printer changes.
    expect((await cashier.call('device.demoPaper', { paperOut: true })).ok).toBe(true);
    expect((await cashier.call('device.demoPaper', { paperOut: false })).ok).toBe(true);
    const deadline = Date.now() + 15_000;
    while (!stranger.events.some((e) => e.event === 'status') && Date.now() < deadline) await sleep(200);
    expect(stranger.events.some((e) => e.event === 'status')).toBe(true);
    stranger.socket.close();
    cashier.close();
    await target.expectAlive();
  }, 30_000);
});
