// A byte link: what a driver or an emulator talks through. A serial port, a TCP socket and
// an in-memory pair (demo mode) all look the same, so the same driver and the same
// emulator code run on real lines in tests and in-process in demo mode.

export interface ByteLink {
  write(bytes: Uint8Array): void;
  /** Subscribe to received bytes; returns the unsubscribe function. */
  onData(fn: (bytes: Uint8Array) => void): () => void;
  /** Called once when the link goes away (unplugged, closed, socket ended). */
  onClose(fn: (reason: string) => void): () => void;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

class Listeners<T extends unknown[]> {
  private fns = new Set<(...a: T) => void>();
  add(fn: (...a: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  fire(...a: T): void {
    for (const fn of [...this.fns]) fn(...a);
  }
}

/** A base for links: keeps the listeners, subclasses push bytes and closing in. */
export class LinkBase {
  protected readonly dataListeners = new Listeners<[Uint8Array]>();
  protected readonly closeListeners = new Listeners<[string]>();
  protected open = true;

  get isOpen(): boolean {
    return this.open;
  }
  onData(fn: (bytes: Uint8Array) => void): () => void {
    return this.dataListeners.add(fn);
  }
  onClose(fn: (reason: string) => void): () => void {
    return this.closeListeners.add(fn);
  }
  protected received(bytes: Uint8Array): void {
    if (this.open) this.dataListeners.fire(bytes);
  }
  protected closed(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.closeListeners.fire(reason);
  }
}

class MemoryEnd extends LinkBase implements ByteLink {
  peer: MemoryEnd | null = null;
  write(bytes: Uint8Array): void {
    if (!this.open) throw new Error('link closed');
    const copy = Uint8Array.from(bytes);
    const peer = this.peer;
    // Asynchronous like a real line: the writer's code finishes before the reader runs.
    queueMicrotask(() => peer?.received(copy));
  }
  async close(): Promise<void> {
    const peer = this.peer;
    this.closed('closed');
    peer?.closed('peer closed');
  }
}

/** Two connected in-memory ends: what one writes, the other receives. */
export function memoryLinkPair(): [ByteLink, ByteLink] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
