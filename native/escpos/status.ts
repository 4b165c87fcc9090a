// DLE EOT answers: one byte whose fixed bits (0 and 7 clear, 1 and 4 set) tell a status
// byte from noise, and whose other bits say the state.
import type { ParseResult } from '../protocols/result';

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperEnd: boolean;
  paperNearEnd: boolean;
  error: boolean;
}

export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** Combine the answers to DLE EOT 1, 2 and 4. */
export function parsePrinterStatus(printer: number, offlineCause: number, paper: number): ParseResult<PrinterStatus> {
  for (const b of [printer, offlineCause, paper]) {
    if (!Number.isInteger(b) || b < 0 || b > 255 || !isStatusByte(b)) {
      return { ok: false, error: { code: 'PRINTER_STATUS_INVALID', message: `打印机状态应答无效（0x${(b & 0xff).toString(16)}）；请检查打印机型号与连接`, details: { byte: b } } };
    }
  }
  return {
    ok: true,
    value: {
      online: (printer & 0x08) === 0,
      coverOpen: (offlineCause & 0x04) !== 0,
      paperEnd: (offlineCause & 0x20) !== 0 || (paper & 0x60) !== 0,
      paperNearEnd: (paper & 0x0c) !== 0,
      error: (offlineCause & 0x40) !== 0,
    },
  };
}

/** The bytes an emulated printer answers for a given state. */
export function encodePrinterStatus(n: number, s: PrinterStatus): number {
  switch (n) {
    case 1:
      return 0x12 | (s.online ? 0 : 0x08);
    case 2:
      return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperEnd ? 0x20 : 0) | (s.error ? 0x40 : 0);
    case 4:
      return 0x12 | (s.paperNearEnd ? 0x0c : 0) | (s.paperEnd ? 0x60 : 0);
    default:
      return 0x12;
  }
}
