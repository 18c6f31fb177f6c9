/**
 * A TCP proxy on 127.0.0.1 that tests put between a kiosk and the central system to break the network on purpose.
 * The mode can change at any moment and applies to traffic from then on:
 * - `pass`: bytes flow both ways;
 * - `refuse`: the port is closed (connection refused), and open connections are dropped;
 * - `reset`: a request is cut off mid-way (both sockets destroyed as its first bytes arrive);
 * - `cut_response`: the request reaches the centre, which acts on it, but its answer is cut off;
 * - `http_503`: the proxy answers 503 itself;
 * - `stall`: the request is swallowed and the connection held for `stallMs`, then dropped.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'reset' | 'cut_response' | 'http_503' | 'stall';

export class FaultProxy {
  mode: FaultMode = 'pass';
  readonly injected: Record<FaultMode, number> = {
    pass: 0,
    refuse: 0,
    reset: 0,
    cut_response: 0,
    http_503: 0,
    stall: 0,
  };
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly targetPort: number,
    readonly port: number,
    private readonly stallMs = 10_000,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Switches mode; `refuse` closes the port, anything else opens it again. */
  async set(mode: FaultMode): Promise<void> {
    this.mode = mode;
    if (mode === 'refuse') {
      this.injected.refuse += 1;
      const server = this.server;
      this.server = undefined;
      this.dropAll();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    } else {
      await this.start();
    }
  }

  /** Drops every open connection (a network blip). */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    const server = this.server;
    this.server = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }

  private accept(client: Socket): void {
    this.track(client);
    let target: Socket | undefined;
    let cut = false;
    const openTarget = () => {
      target = this.track(connect(this.targetPort, '127.0.0.1'));
      target.on('data', (chunk) => {
        if (cut || this.mode === 'cut_response') {
          if (!cut) this.injected.cut_response += 1;
          cut = true;
          client.destroy();
          target?.destroy();
          return;
        }
        client.write(chunk);
      });
      target.on('close', () => client.destroy());
    };
    client.on('data', (chunk) => {
      switch (this.mode) {
        case 'reset':
          this.injected.reset += 1;
          client.destroy();
          target?.destroy();
          return;
        case 'http_503':
          this.injected.http_503 += 1;
          client.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
          target?.destroy();
          return;
        case 'stall':
          this.injected.stall += 1;
          client.pause();
          setTimeout(() => client.destroy(), this.stallMs).unref();
          return;
        default:
          if (!target) openTarget();
          target!.write(chunk);
      }
    });
    client.on('close', () => target?.destroy());
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
