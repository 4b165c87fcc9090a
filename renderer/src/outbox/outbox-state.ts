// What the window knows about upload deadlines, shared by the status bar (colour, counts) and
// the queue list. Refreshed from outbox.status (cheap: open rows through the partial index)
// while someone is logged in and the queue is not empty.
import { create } from 'zustand';
import { api } from '../api/client';
import type { DeadlineFacts } from './deadline';

interface OutboxDeadlineState {
  /** Near-or-past items from the last outbox.status answer; null before the first one. */
  deadlines: DeadlineFacts[] | null;
  /** The queue list (Ctrl+U) is open. */
  listOpen: boolean;
  setDeadlines(d: DeadlineFacts[] | null): void;
  setListOpen(open: boolean): void;
}

export const useOutboxDeadlines = create<OutboxDeadlineState>((set) => ({
  deadlines: null,
  listOpen: false,
  setDeadlines: (deadlines) => set({ deadlines }),
  setListOpen: (listOpen) => set({ listOpen }),
}));

let asking = false;

/** Ask outbox.status once (a cashier call: only when logged in); an empty queue needs no call. */
export async function refreshDeadlines(depth: number): Promise<void> {
  const st = useOutboxDeadlines.getState();
  if (depth === 0) {
    st.setDeadlines([]);
    return;
  }
  if (asking) return;
  asking = true;
  try {
    const r = await api.call('outbox.status', {});
    // outbox.status lists only items in the last quarter of their window or past it.
    if (r.ok) useOutboxDeadlines.getState().setDeadlines(r.value.deadlines.map((d) => ({ deadlineAt: d.deadlineAt, near: true })));
  } finally {
    asking = false;
  }
}
