// Integration tests call the app through the typed helper (test/helpers/app-call.ts: callApp,
// callOk, callCode, or TempApp.call, which is callApp): the call's name is checked against the
// contract and its input and result are the contract's types. App.call itself takes any string
// (the transports' entry). This test reads the integration and long tests as text and fails on
// the untyped shapes: a direct `app.call(` / `x.app.call(`, a result cast `as ApiResult<…>`, or a
// wrapper that forwards a `name: string`. It is a text check: an App held in a variable of
// another name escapes it; the compiler holds the rest (a typed call with a wrong name or input
// does not compile).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../../helpers/sql-tables';

const ROOT = process.cwd();

/** Files whose subject is the untyped entry itself. */
const UNTYPED_ON_PURPOSE: Record<string, string> = {
  'test/integration/dispatch.test.ts': 'an unknown name and malformed input, refused by the dispatcher',
  'test/integration/security/role-walk.test.ts': 'walks every name of the contract with probe inputs',
  'test/integration/security/ipc-bridge.test.ts': 'the bridge forwards whatever name a window sends',
  'test/integration/security/probes/harness.ts': 'the hostile window over WebSocket sends what an attacker would',
  'test/helpers/app-call.ts': 'the typed helper itself',
};

const UNTYPED = [/\bapp\.call\(/, /\bas ApiResult</, /\bname: string, input: unknown\b/];

function untypedCallsIn(src: string): number[] {
  const lines = src.split('\n');
  return lines.flatMap((l, i) => (UNTYPED.some((re) => re.test(l)) ? [i + 1] : []));
}

describe('integration tests use the typed app call', () => {
  it('finds the untyped shapes, and not the typed helper', () => {
    const src = [
      "const a = await app.call(s, 'auth.login', {});",
      "const b = await t.app.call(s, 'auth.login', {});",
      'const c = (await x(s)) as ApiResult<Foo>;',
      'async function call<T>(s: Session, name: string, input: unknown): Promise<T> {',
      "const d = await callApp(app, s, 'auth.login', {});",
      "const e = await t.call(s, 'auth.login', {});",
    ].join('\n');
    expect(untypedCallsIn(src)).toEqual([1, 2, 3, 4]);
  });

  it('no integration or long test calls the app untyped', () => {
    const files = ['test/integration', 'test/long', 'test/helpers'].flatMap((d) => sourceFiles(ROOT, d));
    expect(files).toContain('test/integration/settlement/journal.test.ts');
    const found = files
      .filter((f) => !(f in UNTYPED_ON_PURPOSE))
      .map((f) => ({ f, lines: untypedCallsIn(readFileSync(`${ROOT}/${f}`, 'utf8')) }))
      .filter(({ lines }) => lines.length > 0)
      .map(({ f, lines }) => `${f}:${lines.join(',')}`);
    expect(found).toEqual([]);
  });
});
