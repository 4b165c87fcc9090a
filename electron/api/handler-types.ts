// What a handler is: parsed input and the caller in, the output (or an AppError thrown) out.
import type { App } from '../app/create-app';
import type { CallName, CallOutput, CallParsedInput } from './contract';
import type { Session } from './session';

export interface CallContext {
  app: App;
  session: Session;
}

export type Handler<N extends CallName> = (
  input: CallParsedInput<N>,
  call: CallContext,
) => CallOutput<N> | Promise<CallOutput<N>>;

export type HandlersFor<Calls> = { [N in keyof Calls & CallName]: Handler<N> };
