// A plain logger that masks identities before anything reaches a file or the console.
export interface Logger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

// 18-character resident ID numbers and long card/voucher numbers: keep the ends only.
const ID_NUMBER = /\b(\d{4})\d{10}(\d{3}[\dXx])\b/g;
const LONG_TOKEN = /\b([A-Za-z0-9]{3})[A-Za-z0-9]{8,}([A-Za-z0-9]{3})\b/g;

export function maskIdentities(text: string): string {
  return text.replace(ID_NUMBER, '$1**********$2').replace(LONG_TOKEN, '$1***$2');
}

export function createConsoleLogger(quiet = false): Logger {
  const write = (level: string, msg: string, ctx?: Record<string, unknown>) => {
    if (quiet && level === 'INFO') return;
    const line = `${new Date().toISOString()} ${level} ${msg}${ctx ? ' ' + JSON.stringify(ctx) : ''}`;
    process.stderr.write(maskIdentities(line) + '\n');
  };
  return {
    info: (m, c) => write('INFO', m, c),
    warn: (m, c) => write('WARN', m, c),
    error: (m, c) => write('ERROR', m, c),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
