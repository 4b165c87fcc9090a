// A React root in jsdom for the renderer's unit tests: the act() environment, a host <div> in
// the document, and the clean-up after each test.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: { host: HTMLDivElement; root: Root }[] = [];

/** A fresh host and root; `unmountAll` (in afterEach) takes them down again. */
export function mount(): { host: HTMLDivElement; root: Root } {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const m = { host, root: createRoot(host) };
  mounted.push(m);
  return m;
}

export function unmountAll(): void {
  for (const { host, root } of mounted.splice(0)) {
    act(() => root.unmount());
    host.remove();
  }
}
