// What every reader driver is to the device manager: it reports reads and errors, and
// whether its line is alive.
import type { CardRead } from '../protocols/card-read';
import type { ParseError } from '../protocols/result';

export interface ReaderEvents {
  read(card: CardRead): void;
  /** A bad frame, a failed read, a stalled scan: reported, never thrown. */
  error(err: ParseError): void;
  /** The device stopped answering (polled readers) or answered again. */
  health?(alive: boolean): void;
  /** A scanner's line that is not a card: a drug traceability code (trace-line). */
  scan?(text: string): void;
}

export interface ReaderDriver {
  readonly id: string;
  stop(): void;
}

export type ReaderProtocol = 'idcard' | 'ssc-text' | 'voucher-line' | 'number-line' | 'trace-line';
export const READER_PROTOCOLS: readonly ReaderProtocol[] = ['idcard', 'ssc-text', 'voucher-line', 'number-line', 'trace-line'];
