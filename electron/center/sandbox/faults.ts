// What the sandbox center can be told to do wrong, and the CLI's --faults syntax for it.
import { z } from 'zod';

/** Applies to the next `count` matching requests (-1: until cleared), optionally one infno only. */
export interface FaultCounter {
  count: number;
  infno?: string;
}

/** Answers that break the protocol, for testing the client's classification. */
export type MalformedMode = 'garbage' | 'truncated' | 'huge' | 'wrong-types' | 'missing-fields' | 'not-json' | 'http-500';

export const MALFORMED_MODES: readonly MalformedMode[] = ['garbage', 'truncated', 'huge', 'wrong-types', 'missing-fields', 'not-json', 'http-500'];

export interface FaultSettings {
  /** Close the listener: connections are refused (ECONNREFUSED). */
  refuse: boolean;
  /** Wait this long before processing each transaction. */
  latencyMs: number;
  /** Answer -9 busy without processing. */
  busy: FaultCounter | null;
  /** Process and commit, then drop the connection without answering (the lost response). */
  dropAfterCommit: FaultCounter | null;
  /** Process and commit, then answer with a malformed body. */
  malformed: (FaultCounter & { mode: MalformedMode }) | null;
  /** Item code → reason: a 2207 naming it is rejected. */
  rejectItems: Record<string, string>;
  /** psn_no, ID number, card number or voucher token → reason: 1101 and 2207 are rejected. */
  rejectPersons: Record<string, string>;
  /** National protocol: the sign-in of the next matching request has expired (sign in again). */
  signInExpired: FaultCounter | null;
  /** National protocol: process and commit, then answer infcode 0 WITH an err_msg (neither success nor failure). */
  errWithSuccess: FaultCounter | null;
  /** National protocol: the gateway answers code 999 before the business system sees the request. */
  gatewayError: FaultCounter | null;
  /** National catalogue (1312/1318/1319): the next matching page comes back hostile (a bad row, a bad cap). */
  hostileCatalog: FaultCounter | null;
  /**
   * National 2204: refuse a line whose clinic code (medins_list_codg) has no mapping uploaded
   * with 3301, or whose national code differs from it — as a real center does. Off by default
   * so tests that never upload mappings keep working.
   */
  requireMapping: boolean;
  /**
   * psn_no, ID number, card number or voucher token → eligible fen: a claim from another
   * hospital reaches the center just before that person's next 2207, so the center's split
   * differs from the window's (an adjustment). Used once per person, then forgotten.
   */
  outsideClaims: Record<string, number>;
}

export function noFaults(): FaultSettings {
  return {
    refuse: false, latencyMs: 0, busy: null, dropAfterCommit: null, malformed: null, rejectItems: {}, rejectPersons: {}, outsideClaims: {},
    signInExpired: null, errWithSuccess: null, gatewayError: null, hostileCatalog: null, requireMapping: false,
  };
}

/** Take one use of a counter if it applies to this infno; returns whether it fired. */
export function takeFault(c: FaultCounter | null, infno: string): boolean {
  if (!c || c.count === 0) return false;
  if (c.infno && c.infno !== infno) return false;
  if (c.count > 0) c.count -= 1;
  return true;
}

function counter(value: string | undefined): FaultCounter {
  // "N", "N@infno", "@infno" or nothing (= once).
  const [n, infno] = (value ?? '').split('@');
  const count = n === undefined || n === '' ? 1 : n === 'always' ? -1 : Number(n);
  if (!Number.isInteger(count) || count < -1) throw new Error(`bad fault count: ${value}`);
  return infno ? { count, infno } : { count };
}

/**
 * Parse the CLI's --faults: comma-separated
 * `refuse`, `latency=MS`, `busy[=N|always][@infno]`, `drop[=N][@infno]`,
 * `malformed=MODE[:N][@infno]`, `reject-item=CODE[:reason]`, `reject-person=ID[:reason]`,
 * `outside-claim=ID:FEN` (an adjustment: eligible fen claimed elsewhere before the next 2207),
 * and for the national protocol `sign-in-expired[=N][@infno]`, `err-with-success[=N][@infno]`,
 * `gateway-error[=N][@infno]`, `hostile-catalog[=N][@infno]` (a bad 1312/1318/1319 page),
 * `require-mapping` (2204 refuses clinic codes without an uploaded 3301 mapping).
 */
export function parseFaults(spec: string): Partial<FaultSettings> {
  const out: Partial<FaultSettings> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? undefined : part.slice(eq + 1);
    switch (name) {
      case 'refuse':
        out.refuse = true;
        break;
      case 'latency': {
        const ms = Number(value);
        if (!Number.isInteger(ms) || ms < 0) throw new Error(`bad latency: ${value}`);
        out.latencyMs = ms;
        break;
      }
      case 'busy':
        out.busy = counter(value);
        break;
      case 'drop':
        out.dropAfterCommit = counter(value);
        break;
      case 'malformed': {
        const [modeAndCount, infno] = (value ?? '').split('@');
        const [mode, n] = (modeAndCount ?? '').split(':');
        if (!MALFORMED_MODES.includes(mode as MalformedMode)) throw new Error(`malformed mode must be one of ${MALFORMED_MODES.join('|')}`);
        out.malformed = { mode: mode as MalformedMode, ...counter(`${n ?? ''}${infno ? '@' + infno : ''}`) };
        break;
      }
      case 'sign-in-expired':
        out.signInExpired = counter(value);
        break;
      case 'err-with-success':
        out.errWithSuccess = counter(value);
        break;
      case 'gateway-error':
        out.gatewayError = counter(value);
        break;
      case 'hostile-catalog':
        out.hostileCatalog = counter(value);
        break;
      case 'require-mapping':
        out.requireMapping = true;
        break;
      case 'reject-item':
      case 'reject-person': {
        const [key, ...reason] = (value ?? '').split(':');
        if (!key) throw new Error(`${name} needs a value`);
        const target = name === 'reject-item' ? (out.rejectItems ??= {}) : (out.rejectPersons ??= {});
        target[key] = reason.join(':') || (name === 'reject-item' ? '该项目不予支付' : '该人员暂停结算');
        break;
      }
      case 'outside-claim': {
        const [key, fen] = (value ?? '').split(':');
        const amount = Number(fen);
        if (!key || !Number.isInteger(amount) || amount <= 0) throw new Error('outside-claim needs ID:FEN (a positive whole number of fen)');
        (out.outsideClaims ??= {})[key] = amount;
        break;
      }
      default:
        throw new Error(`unknown fault: ${name}`);
    }
  }
  return out;
}

const counterSchema = z.object({ count: z.number().int().min(-1), infno: z.string().regex(/^\d{4}$/).optional() }).strict();

/** What the control endpoint accepts (a partial FaultSettings); anything else is refused. */
export const faultPatchSchema = z
  .object({
    refuse: z.boolean(),
    latencyMs: z.number().int().min(0).max(600_000),
    busy: counterSchema.nullable(),
    dropAfterCommit: counterSchema.nullable(),
    malformed: counterSchema.extend({ mode: z.enum(MALFORMED_MODES as [MalformedMode, ...MalformedMode[]]) }).strict().nullable(),
    rejectItems: z.record(z.string().min(1), z.string()),
    rejectPersons: z.record(z.string().min(1), z.string()),
    outsideClaims: z.record(z.string().min(1), z.number().int().positive()),
    signInExpired: counterSchema.nullable(),
    errWithSuccess: counterSchema.nullable(),
    gatewayError: counterSchema.nullable(),
    hostileCatalog: counterSchema.nullable(),
    requireMapping: z.boolean(),
  })
  .partial()
  .strict();
