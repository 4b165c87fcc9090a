// The serial ports and HID devices this computer has (device list / the admin's reader setup).
// Either listing may fail (no driver, no permission): what could be listed is returned, the
// failure logged.
import type { PortView } from '../api/contract/device';
import type { Logger } from '../app/log';

export async function listPorts(log: Logger): Promise<PortView[]> {
  const ports: PortView[] = [];
  try {
    const { SerialPort } = await import('serialport');
    for (const p of await SerialPort.list()) {
      ports.push({ kind: 'serial', path: p.path, manufacturer: p.manufacturer, vendorId: p.vendorId, productId: p.productId });
    }
  } catch (e) {
    log.warn('serial port listing failed', { message: (e as Error).message });
  }
  try {
    const hid = await import('node-hid');
    for (const d of await hid.devicesAsync()) {
      if (d.path) ports.push({ kind: 'hid', path: d.path, manufacturer: d.manufacturer, product: d.product, vendorId: d.vendorId.toString(16).padStart(4, '0'), productId: d.productId.toString(16).padStart(4, '0') });
    }
  } catch (e) {
    log.warn('HID listing failed', { message: (e as Error).message });
  }
  return ports;
}
