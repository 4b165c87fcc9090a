// A small typed event bus: services publish, the transports forward to every window.
import { EventEmitter } from 'node:events';
import type { AppEventMap } from '../api/contract/events';

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every window and CLI subscriber listens; the default limit of 10 would only warn.
    this.emitter.setMaxListeners(100);
  }

  emit<K extends keyof AppEventMap>(name: K, payload: AppEventMap[K]): void {
    this.emitter.emit(name, payload);
    this.emitter.emit('*', name, payload);
  }

  on<K extends keyof AppEventMap>(name: K, fn: (payload: AppEventMap[K]) => void): () => void {
    this.emitter.on(name, fn);
    return () => this.emitter.off(name, fn);
  }

  /** Every event, for the transports. */
  onAny(fn: (name: keyof AppEventMap, payload: unknown) => void): () => void {
    this.emitter.on('*', fn);
    return () => this.emitter.off('*', fn);
  }
}
