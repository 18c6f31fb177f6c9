/**
 * A serial port on Linux and macOS read and written straight from the event loop. serialport's stream does each
 * read and write as a round trip through libuv's thread pool; measured over a pty that costs ~0.2 ms at p50 and
 * ~3 ms at p99 per echo, against ~0.09 ms and ~0.8 ms here (bench/pty-round-trip.ts). The evaluator's frames are a
 * few bytes, so a non-blocking write almost always completes at once; when it cannot, the rest waits for
 * `writable`. The port is opened and configured (8N1, no flow control, exclusive) by serialport's own bindings.
 * Runs in Node.
 */
import { readSync, writeSync } from 'node:fs';
import { DarwinBinding, LinuxBinding } from '@serialport/bindings-cpp';
import { LINE_SETTINGS, type OpenTransport, type Transport } from './transport.js';

const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
/** libuv's poll events, as bindings-cpp's poller takes them. */
const UV_READABLE = 1;
const UV_WRITABLE = 2;

export function unixSerialTransport(path: string, baudRate: number): OpenTransport {
  return async () => {
    const binding = process.platform === 'darwin' ? DarwinBinding : LinuxBinding;
    const port = await binding.open({ path, baudRate, ...LINE_SETTINGS, xany: false, hupcl: false });
    // Bytes the OS kept while nobody had the port open (a KEY pressed while the kiosk restarted) are stale: a
    // press still wanted is resent by the device, and the driver asks for HELLO itself.
    await port.flush();
    const fd = port.fd!;
    const chunk = Buffer.allocUnsafe(1024);
    const pending: Buffer[] = [];
    let receive: (chunk: Buffer) => void = () => undefined;
    let closed: ((error?: Error) => void) | undefined;
    let done = false;
    let waitingWritable = false;

    /**
     * Waits for the line to be readable or writable. bindings-cpp's poller polls for the event last asked for
     * alone (poller.cpp starts libuv's poll with only the new event), so while a write waits for room a read would
     * stop being noticed, or the other way round: while both wait, both are asked for again.
     */
    const wait = (event: 'readable' | 'writable', then: () => void) => {
      port.poller.once(event, (error) => (error ? finish(error) : then()));
      if (waitingWritable) port.poller.poll(UV_READABLE | UV_WRITABLE);
    };

    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      pending.length = 0;
      void port.close().catch(() => undefined);
      closed?.(error);
    };

    const read = () => {
      if (done) return;
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, chunk, 0, chunk.length, null);
        } catch (error) {
          if (RETRY.has((error as NodeJS.ErrnoException).code ?? '')) break;
          // EIO/ENXIO: the other end or the adapter is gone.
          return finish(error as Error);
        }
        if (n === 0) return finish(new Error('the serial line hung up'));
        receive(Buffer.from(chunk.subarray(0, n)));
        if (done) return;
        // A short read has emptied the line: asking again would only throw EAGAIN, which costs ~0.06 ms and would
        // come before the microtasks that ACK a press. The poller is level-triggered: bytes that came meanwhile
        // wake it at once.
        if (n < chunk.length) break;
      }
      wait('readable', read);
    };

    const writePending = () => {
      waitingWritable = false;
      while (!done && pending.length > 0) {
        const head = pending[0]!;
        let n: number;
        try {
          n = writeSync(fd, head);
        } catch (error) {
          if (!RETRY.has((error as NodeJS.ErrnoException).code ?? '')) return finish(error as Error);
          n = 0;
        }
        if (n === head.length) {
          pending.shift();
          continue;
        }
        pending[0] = head.subarray(n);
        waitingWritable = true;
        wait('writable', writePending);
        return;
      }
    };

    const transport: Transport = {
      write: (bytes) => {
        if (done) return;
        pending.push(Buffer.from(bytes));
        if (!waitingWritable) writePending();
      },
      close: async () => finish(),
      onData: (r) => {
        receive = r;
      },
      onClose: (c) => {
        closed = c;
      },
    };
    // Start reading once the caller has had the chance to attach its receiver.
    queueMicrotask(read);
    return transport;
  };
}
