// The typed app call for integration tests: the method name is checked against the contract
// (a name off it is a compile error), the input is the contract's input type and the result its
// output type. App.call itself takes any string (it is the transports' entry, and the dispatcher
// refuses what is off the contract); tests go through these instead, so a renamed call or a
// changed shape breaks the test at compile time, not at run time.
import type { App } from '../../electron/app/create-app';
import type { CallInput, CallName, CallOutput } from '../../electron/api/contract';
import type { ApiResult } from '../../electron/api/result';
import type { Session } from '../../electron/api/session';

type Caller = Pick<App, 'call'>;

/** The call's whole result: `{ ok: true, value }` or `{ ok: false, error }`. */
export function callApp<N extends CallName>(app: Caller, session: Session, name: N, input: CallInput<N>): Promise<ApiResult<CallOutput<N>>> {
  // The dispatcher runs the contract's handler for the name, typed by the contract (api/dispatch.ts).
  return app.call(session, name, input) as Promise<ApiResult<CallOutput<N>>>;
}

/** The call's value; a refused call throws with its code and message (the test fails there). */
export async function callOk<N extends CallName>(app: Caller, session: Session, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  const r = await callApp(app, session, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The refused call's error code, or 'OK' when the call was accepted. */
export async function callCode<N extends CallName>(app: Caller, session: Session, name: N, input: CallInput<N>): Promise<string> {
  const r = await callApp(app, session, name, input);
  return r.ok ? 'OK' : r.error.code;
}
