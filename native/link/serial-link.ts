// A serial port as a ByteLink (serialport), for drivers and for emulators on pty pairs.
import { SerialPort } from 'serialport';
import { AppError } from '../../electron/api/result';
import { LinkBase, type ByteLink } from './byte-link';

export class SerialLink extends LinkBase implements ByteLink {
  private constructor(private readonly port: SerialPort) {
    super();
    port.on('data', (b: Buffer) => this.received(new Uint8Array(b)));
    port.on('close', () => this.closed('port closed'));
    port.on('error', (e: Error) => this.closed(e.message));
  }

  /** Open `path` at `baud` 8N1; a missing or busy port is a DEVICE_OPEN_FAILED error. */
  static open(path: string, baudRate: number): Promise<SerialLink> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
      port.open((err) => {
        if (err) reject(new AppError('DEVICE_OPEN_FAILED', `无法打开串口 ${path}：${err.message}；请检查设备是否插好、端口是否被占用`, { path }));
        else resolve(new SerialLink(port));
      });
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.open) throw new AppError('DEVICE_CLOSED', '串口已关闭；设备可能已拔出');
    this.port.write(Buffer.from(bytes));
  }

  /** Wait until written bytes have left the buffer. */
  drain(): Promise<void> {
    return new Promise((resolve, reject) => this.port.drain((e) => (e ? reject(e) : resolve())));
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) {
      this.closed('closed');
      return;
    }
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
    this.closed('closed');
  }
}
