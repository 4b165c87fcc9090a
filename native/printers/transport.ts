// Sends receipt bytes to a printer over serial, TCP 9100 or a device file. Before printing
// it asks for the real-time status (DLE EOT 1, 2, 4) where the printer answers, so an
// offline or paper-out printer fails the job with a clear code instead of swallowing it.
import { appendFile } from 'node:fs/promises';
import { AppError } from '../../electron/api/result';
import { statusRequest } from '../escpos/builder';
import { parsePrinterStatus, type PrinterStatus } from '../escpos/status';
import type { ByteLink } from '../link/byte-link';
import { SerialLink } from '../link/serial-link';
import { TcpLink } from '../link/tcp-link';
import type { PrinterSpec } from './printer-spec';

export interface PrintOutcome {
  /** null: the printer did not answer status requests (printed blind). */
  status: PrinterStatus | null;
  bytes: number;
}

type DrainableLink = ByteLink & { drain(): Promise<void> };

async function openLink(spec: PrinterSpec): Promise<DrainableLink | null> {
  switch (spec.kind) {
    case 'serial':
      return SerialLink.open(spec.path, spec.baud);
    case 'tcp':
      return TcpLink.connect(spec.host, spec.port);
    case 'file':
    case 'preview':
      return null;
  }
}

/** Ask DLE EOT n and wait for one status byte; null when nothing comes within the timeout. */
export function queryStatusByte(link: ByteLink, n: 1 | 2 | 4, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const off = link.onData((b) => {
      if (b.length === 0) return;
      clearTimeout(timer);
      off();
      resolve(b[b.length - 1]!);
    });
    const timer = setTimeout(() => {
      off();
      resolve(null);
    }, timeoutMs);
    link.write(statusRequest(n));
  });
}

/** The full status, or null if the printer does not answer (many USB/file printers don't). */
export async function queryPrinterStatus(link: ByteLink, timeoutMs = 400): Promise<PrinterStatus | null> {
  const a = await queryStatusByte(link, 1, timeoutMs);
  if (a === null) return null;
  const b = await queryStatusByte(link, 2, timeoutMs);
  const c = await queryStatusByte(link, 4, timeoutMs);
  if (b === null || c === null) return null;
  const s = parsePrinterStatus(a, b, c);
  if (!s.ok) throw new AppError(s.error.code, s.error.message, s.error.details);
  return s.value;
}

export function statusError(s: PrinterStatus): AppError | null {
  if (s.paperEnd) return new AppError('PRINTER_OUT_OF_PAPER', '小票打印机缺纸；请装纸后点“重打”或等待自动重试');
  if (s.coverOpen) return new AppError('PRINTER_COVER_OPEN', '小票打印机纸仓盖未关；请关好后重试');
  if (!s.online) return new AppError('PRINTER_OFFLINE', '小票打印机离线；请检查电源和连接');
  if (s.error) return new AppError('PRINTER_ERROR', '小票打印机报告故障；请检查切刀或重启打印机');
  return null;
}

/** Print `bytes`; throws AppError (PRINTER_*) when the printer cannot take them now. */
export async function sendToPrinter(spec: PrinterSpec, bytes: Uint8Array, opts: { statusTimeoutMs?: number } = {}): Promise<PrintOutcome> {
  if (spec.kind === 'preview') return { status: null, bytes: 0 };
  if (spec.kind === 'file') {
    try {
      await appendFile(spec.path, bytes);
    } catch (e) {
      throw new AppError('PRINTER_OFFLINE', `无法写入打印机设备文件 ${spec.path}：${(e as Error).message}`, { path: spec.path });
    }
    return { status: null, bytes: bytes.length };
  }
  const link = await openLink(spec);
  if (!link) throw new AppError('PRINTER_SPEC_INVALID', '打印机设置无效');
  try {
    const status = await queryPrinterStatus(link, opts.statusTimeoutMs ?? 400);
    if (status) {
      const err = statusError(status);
      if (err) throw err;
    }
    link.write(bytes);
    await link.drain();
    return { status, bytes: bytes.length };
  } finally {
    await link.close();
  }
}

/** Status only (for the status bar and `print test`); null when the printer doesn't answer. */
export async function probePrinter(spec: PrinterSpec, timeoutMs = 400): Promise<PrinterStatus | null> {
  if (spec.kind === 'preview' || spec.kind === 'file') return null;
  const link = await openLink(spec);
  if (!link) return null;
  try {
    return await queryPrinterStatus(link, timeoutMs);
  } finally {
    await link.close();
  }
}
