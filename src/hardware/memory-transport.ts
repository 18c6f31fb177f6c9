/**
 * Two transports joined back to back in memory, for unit tests of the driver and the simulator. Bytes are
 * delivered asynchronously (as a real line would), and either side can be unplugged.
 */
import type { Transport } from './transport.js';

export interface MemoryLine {
  host: Transport;
  device: Transport;
  /** Pulls the plug: both sides see `close`. */
  unplug(): void;
  /** When true, bytes the device writes are lost (a device that stopped answering). */
  muteDevice: boolean;
}

export function memoryLine(): MemoryLine {
  const receivers: Record<'host' | 'device', ((chunk: Buffer) => void)[]> = { host: [], device: [] };
  const closers: Record<'host' | 'device', ((e?: Error) => void)[]> = { host: [], device: [] };
  let open = true;
  const line: MemoryLine = {
    muteDevice: false,
    unplug: () => {
      if (!open) return;
      open = false;
      for (const c of [...closers.host, ...closers.device])
        c(Object.assign(new Error('unplugged'), { disconnected: true }));
    },
    host: side('host', 'device'),
    device: side('device', 'host'),
  };
  function side(me: 'host' | 'device', peer: 'host' | 'device'): Transport {
    return {
      write: (bytes) => {
        if (!open || (me === 'device' && line.muteDevice)) return;
        const copy = Buffer.from(bytes);
        queueMicrotask(() => receivers[peer].forEach((r) => r(copy)));
      },
      close: async () => line.unplug(),
      onData: (r) => receivers[me].push(r),
      onClose: (c) => closers[me].push(c),
    };
  }
  return line;
}
