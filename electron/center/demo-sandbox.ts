// Demo mode's sandbox center, run in-process: started on first use (a probe, a lookup) or on
// start(), closed with the center part. A tool, not the app: loaded only in demo mode.
import { readVariantFile } from './variant-file';
import { join } from 'node:path';
import type { CoreApp } from '../app/core';
import type { FaultSettings } from './sandbox/faults';
import type { SandboxCenter } from './sandbox/server';

/** The in-process sandbox of demo mode, for the demo switch and tests. */
export interface DemoSandbox {
  /** '' until started (it starts on first use or on start()). */
  readonly url: string;
  setOffline(offline: boolean): void;
  /** Live fault settings; change them with `center()` methods for anything beyond offline. */
  readonly faults: FaultSettings | null;
  /** Starts it if needed and returns the running center. */
  center(): Promise<SandboxCenter>;
}

export class DemoSandboxHost {
  private starting: Promise<SandboxCenter> | null = null;
  private running: SandboxCenter | null = null;

  constructor(private readonly core: CoreApp) {}

  /** '' until it runs. */
  get url(): string {
    return this.running?.url ?? '';
  }

  get faults(): FaultSettings | null {
    return this.running?.faults ?? null;
  }

  /** Starts it once; a failed start is not cached, so the next use tries again. */
  start(): Promise<SandboxCenter> {
    if (!this.starting) {
      const { core } = this;
      this.starting = import('./sandbox/load')
        .then(({ startSandboxCenter, parseFaults }) =>
          startSandboxCenter({
            dataDir: join(core.dataDir, 'sandbox-center'),
            institutionCode: core.settings.institutionCode,
            secret: core.settings.institutionSecret,
            clock: core.clock,
            log: core.log,
            faults: parseFaults(core.settings.sandboxFaults),
            // The province's field names, path and signature header, as the client speaks them.
            nationalVariant: readVariantFile(core.settings.nationalVariant),
          }),
        )
        .then(
          (s) => {
            this.running = s;
            core.log.info('sandbox center started', { url: s.url });
            return s;
          },
          (e: unknown) => {
            this.starting = null;
            core.log.error('sandbox center failed to start', { error: e instanceof Error ? e.message : String(e) });
            throw e;
          },
        );
    }
    return this.starting;
  }

  async setOffline(offline: boolean): Promise<void> {
    await (await this.start()).setOffline(offline);
  }

  async close(): Promise<void> {
    const s = await this.starting?.catch(() => null);
    this.starting = null;
    this.running = null;
    await s?.close();
  }
}
