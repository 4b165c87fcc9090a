// Printer capabilities as data: paper width decides the columns in font A.

export interface PrinterProfile {
  id: '58mm' | '80mm';
  /** Font A columns (a CJK character takes two). */
  columns: number;
  /** Printable width in dots. */
  dots: number;
  /** QR module size in dots (GS ( k function 167). */
  qrModuleSize: number;
}

export const PROFILES: Record<PrinterProfile['id'], PrinterProfile> = {
  '58mm': { id: '58mm', columns: 32, dots: 384, qrModuleSize: 5 },
  '80mm': { id: '80mm', columns: 48, dots: 576, qrModuleSize: 6 },
};

export function profileById(id: string): PrinterProfile | null {
  return id === '58mm' || id === '80mm' ? PROFILES[id] : null;
}
