// The status bar's facts, kept in one place. Each part sets its own slice; every change is
// pushed to the windows as a 'status' event.
import type { StatusSnapshot } from '../api/contract/system';
import type { EventBus } from './events';

export class StatusHub {
  private snapshot: StatusSnapshot = {
    center: { mode: 'offline', url: '', lastContactAt: null, lastError: null },
    outbox: { depth: 0, oldestQueuedAt: null, failing: 0 },
    policy: { seq: 0, version: null, appliedAt: null },
    devices: [],
    offlineProvisional: false,
  };

  constructor(private readonly events: EventBus) {}

  get(): StatusSnapshot {
    return this.snapshot;
  }

  set<K extends keyof StatusSnapshot>(key: K, value: StatusSnapshot[K]): void {
    if (JSON.stringify(this.snapshot[key]) === JSON.stringify(value)) return;
    this.snapshot = { ...this.snapshot, [key]: value };
    this.events.emit('status', this.snapshot);
  }
}
