// A TCP socket as a ByteLink (raw port 9100 printers; the printer emulator's server side).
import { Socket, connect } from 'node:net';
import { AppError } from '../../electron/api/result';
import { LinkBase, type ByteLink } from './byte-link';

export class TcpLink extends LinkBase implements ByteLink {
  constructor(private readonly socket: Socket) {
    super();
    socket.on('data', (b: Buffer) => this.received(new Uint8Array(b)));
    socket.on('close', () => this.closed('socket closed'));
    socket.on('error', (e) => this.closed(e.message));
  }

  static connect(host: string, port: number, timeoutMs = 3000): Promise<TcpLink> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new AppError('DEVICE_OPEN_FAILED', `连接打印机 ${host}:${port} 超时；请检查打印机电源和网络`, { host, port }));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(new TcpLink(s));
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new AppError('DEVICE_OPEN_FAILED', `连接打印机 ${host}:${port} 失败：${e.message}`, { host, port }));
      });
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.open) throw new AppError('DEVICE_CLOSED', '与打印机的连接已断开');
    this.socket.write(bytes);
  }

  drain(): Promise<void> {
    return new Promise((resolve) => (this.socket.writableNeedDrain ? this.socket.once('drain', () => resolve()) : resolve()));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.end(() => resolve());
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 500).unref();
    });
    this.closed('closed');
  }
}
