/**
 * The byte pipe under the evaluator driver: a serial port, or an in-memory pair in unit tests. Runs in Node.
 */
import { unixSerialTransport } from './unix-serial.js';

export interface Transport {
  write(bytes: Buffer): void;
  close(): Promise<void>;
  /** Bytes as they arrive. */
  onData(receive: (chunk: Buffer) => void): void;
  /** The line closed: unplugged, the other end went away, or `close()`. Called once. */
  onClose(closed: (error?: Error) => void): void;
}

/** Opens a fresh transport; the driver calls it again for every reconnect. Rejects when the port is not there. */
export type OpenTransport = () => Promise<Transport>;

export const BAUD_RATES = [9600, 19200, 38400, 115200] as const;

/** The evaluator's line: 8 data bits, no parity, 1 stop bit, no flow control (docs/hardware-protocol.md). */
export const LINE_SETTINGS = {
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  rtscts: false,
  xon: false,
  xoff: false,
} as const;
export type BaudRate = (typeof BAUD_RATES)[number];

/**
 * Opens a serial port 8N1, no flow control: straight from the event loop on Linux and macOS (unix-serial.ts),
 * through serialport's stream on Windows.
 */
export function serialTransport(path: string, baudRate: BaudRate = 9600): OpenTransport {
  return process.platform === 'win32' ? streamSerialTransport(path, baudRate) : unixSerialTransport(path, baudRate);
}

/** serialport's stream: every platform, each read and write through libuv's thread pool. */
export function streamSerialTransport(path: string, baudRate: BaudRate = 9600): OpenTransport {
  return async () => {
    // Loaded when first used: on Linux and macOS the kiosk never needs serialport's stream.
    const { SerialPort } = await import('serialport');
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, ...LINE_SETTINGS, autoOpen: false });
      const opened = () => {
        let closed: ((error?: Error) => void) | undefined;
        let done = false;
        const finish = (e?: Error) => {
          if (done) return;
          done = true;
          closed?.(e);
        };
        // A vanished device shows as `close` with `disconnected`, sometimes as an error first.
        port.on('close', (e?: Error) => finish(e ?? undefined));
        port.on('error', (e: Error) => finish(e));
        resolve({
          write: (bytes) => {
            if (port.isOpen) port.write(bytes);
          },
          close: () =>
            new Promise<void>((r) => {
              if (!port.isOpen) return r();
              port.close(() => r());
            }),
          onData: (receive) => port.on('data', receive),
          onClose: (cb) => (closed = cb),
        });
      };
      port.open((error) => {
        if (error) return reject(error);
        // Stale bytes from before the port was opened go (see unix-serial.ts) before the line is handed over: a
        // flush still on its way would drop the first bytes the other end sends (a test lost a burst so, under load).
        port.flush(() => opened());
      });
    });
  };
}

export interface PortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

/** The serial ports this machine has, for the technician's picker and `hcp kiosk ports`. */
export async function listSerialPorts(): Promise<PortInfo[]> {
  const { SerialPort } = await import('serialport');
  const ports = await SerialPort.list();
  return ports.map((p) => ({
    path: p.path,
    manufacturer: p.manufacturer,
    serialNumber: p.serialNumber,
    vendorId: p.vendorId,
    productId: p.productId,
  }));
}
