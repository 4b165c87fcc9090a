// Where a receipt goes: serial:PATH?baud=N, tcp:HOST:PORT, file:PATH, or preview (screen only).
import { AppError } from '../../electron/api/result';

export type PrinterSpec =
  | { kind: 'serial'; path: string; baud: number }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'file'; path: string }
  | { kind: 'preview' };

const BAUDS = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400];

export function parsePrinterSpec(spec: string): PrinterSpec {
  const bad = (why: string) =>
    new AppError('PRINTER_SPEC_INVALID', `打印机设置无效（${why}）：“${spec}”；应为 serial:端口?baud=波特率、tcp:地址:端口、file:设备文件 或 preview`, { spec });
  const s = spec.trim();
  if (s === 'preview') return { kind: 'preview' };
  if (s.startsWith('serial:')) {
    const [path, query] = s.slice(7).split('?', 2) as [string, string | undefined];
    if (!path) throw bad('缺少串口');
    let baud = 9600;
    if (query !== undefined) {
      const m = /^baud=(\d+)$/.exec(query);
      if (!m || !BAUDS.includes(Number(m[1]))) throw bad('波特率无效');
      baud = Number(m[1]);
    }
    return { kind: 'serial', path, baud };
  }
  if (s.startsWith('tcp:')) {
    const m = /^tcp:([A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(s);
    if (!m) throw bad('地址或端口无效');
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw bad('端口超出范围');
    return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port };
  }
  if (s.startsWith('file:')) {
    const path = s.slice(5);
    if (!path) throw bad('缺少文件路径');
    return { kind: 'file', path };
  }
  throw bad('未知类型');
}

export function printerSpecText(p: PrinterSpec): string {
  switch (p.kind) {
    case 'serial':
      return `serial:${p.path}?baud=${p.baud}`;
    case 'tcp':
      return `tcp:${p.host}:${p.port}`;
    case 'file':
      return `file:${p.path}`;
    case 'preview':
      return 'preview';
  }
}
