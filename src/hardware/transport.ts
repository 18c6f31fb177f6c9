/**
 * The byte pipe under the evaluator driver: a serial port, or an in-memory pair in unit tests. Runs in Node.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Why a port list is partial: `no_udevadm`, the system's listing failed on Linux and only the serial lines under
 * /dev are listed, without manufacturer or ids; `no_listing`, no list at all (type the port's name).
 */
export type PortListNote = 'no_udevadm' | 'no_listing';

/** The serial ports found, and, when they could be found only in part, why (the screens say it in words). */
export interface PortList {
  ports: PortInfo[];
  note: PortListNote | null;
}

/** What each note means, for the command line (the screens have their own words for it). */
export const PORT_LIST_NOTES: Record<PortListNote, string> = {
  no_udevadm: 'the system could not list the serial ports (no udevadm?): these are the serial lines under /dev',
  no_listing: 'the system could not list the serial ports: give the port by its name (e.g. COM3)',
};

/** Device names of real serial lines under /dev: on-board UARTs, USB adapters, USB CDC devices. */
const SERIAL_NAME = /^tty(S|USB|ACM)\d+$/;

/**
 * The serial ports under `devRoot` when the system's listing fails (serialport lists them on Linux through
 * `udevadm`, which a machine may lack): the USB and ACM lines, and the on-board ones that a driver backs (Linux
 * makes 32 `ttyS` nodes whether or not there is a UART behind them: only those with a device under
 * /sys/class/tty are real). No manufacturer or ids: those came from udev.
 */
export function portsFromDev(devRoot = '/dev', sysRoot = '/sys/class/tty'): PortInfo[] {
  let names: string[];
  try {
    names = readdirSync(devRoot);
  } catch {
    return [];
  }
  return names
    .filter((name) => SERIAL_NAME.test(name))
    .filter((name) => !name.startsWith('ttyS') || hasDevice(join(sysRoot, name)))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => ({ path: join(devRoot, name) }));
}

function hasDevice(sysEntry: string): boolean {
  try {
    return existsSync(join(realpathSync(sysEntry), 'device'));
  } catch {
    return false;
  }
}

/**
 * The serial ports this machine has, for the technician's picker and `hcp kiosk ports`: the system's listing, or,
 * when it fails, the serial lines under /dev with a note saying so. Never throws.
 */
export async function listSerialPorts(
  list: () => Promise<PortInfo[]> = systemPorts,
  fallback: () => PortInfo[] = portsFromDev,
): Promise<PortList> {
  try {
    return { ports: await list(), note: null };
  } catch {
    if (process.platform === 'win32' && list === systemPorts) {
      return { ports: [], note: 'no_listing' };
    }
    return { ports: fallback(), note: 'no_udevadm' };
  }
}

async function systemPorts(): Promise<PortInfo[]> {
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
