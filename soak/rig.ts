/**
 * The soak's rig: every part a hall has, real, each one that a fault can break: the central system as its own
 * process on its embedded PostgreSQL cluster (a killed centre leaves that server running for the next start to find), a TCP proxy standing in for the network, a socat pseudo-terminal pair for the
 * USB-serial line, the simulated five-key evaluator on the device end, and the kiosk as its own process on the host
 * end, enrolled with the centre through the proxy.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { FaultProxy, freePort } from '../src/common/test-support/fault-proxy.js';
import { tempDir } from '../src/common/test-support/temp-dir.js';
import { seedHall, startCentralProcess, type CentralProcess } from '../src/central/test-support/central-process.js';
import { runningClusterUrl } from '../src/central/db/embedded-cluster.js';
import { EvaluatorSimulator } from '../src/hardware/evaluator-simulator.js';
import { startPtyPair, type PtyPair } from '../src/hardware/test-support/pty-pair.js';
import { serialTransport } from '../src/hardware/transport.js';
import { enrollKioskProcess, startKioskProcess, type KioskProcess } from '../src/kiosk/test-support/kiosk-process.js';

export const STAFF = { staffNo: '1001', pin: '246810' };
/** How long the proxy holds a stalled request before dropping it. */
const STALL_MS = 4000;

export class Rig {
  kiosk!: KioskProcess;
  central!: CentralProcess;
  sim!: EvaluatorSimulator;
  readonly proxy: FaultProxy;
  readonly kioskDir: string;
  readonly centralDir: string;

  private constructor(
    readonly dir: { path: string; remove(): void },
    readonly centralPort: number,
    proxyPort: number,
    readonly pty: PtyPair,
  ) {
    this.proxy = new FaultProxy(centralPort, proxyPort, STALL_MS);
    this.kioskDir = join(dir.path, 'kiosk');
    this.centralDir = join(dir.path, 'central');
  }

  /** The centre's embedded cluster, while the centre runs. */
  databaseUrl(): string {
    return runningClusterUrl(this.centralDir);
  }

  static async start(): Promise<Rig> {
    const dir = tempDir('hcp-soak-');
    const rig = new Rig(dir, await freePort(), await freePort(), await startPtyPair(dir.path));
    await rig.startCentral();
    await seedHall((method, path, body) => rig.central.admin(method, path, body));
    // Stalls and restarts must not expire an invitation the citizen is about to rate.
    await rig.central.admin('PATCH', '/settings', { ratingWindowSeconds: 120 });
    await rig.proxy.start();
    const { code } = (
      await rig.central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' })
    ).body as { code: string };
    await enrollKioskProcess(rig.kioskDir, rig.proxy.url, code);
    // A hall's kiosk backs off up to 5 minutes; the soak shortens it so the queue drains within its time.
    process.env.HCP_SYNC_MAX_BACKOFF_MS = '2000';
    process.env.HCP_SYNC_HEARTBEAT_MS = '2000';
    await rig.plugEvaluator();
    await rig.startKiosk();
    return rig;
  }

  async startCentral(): Promise<void> {
    this.central = await startCentralProcess({
      dataDir: this.centralDir,
      port: this.centralPort,
    });
  }

  /** Starts the kiosk, with its database capped at `maxPages` pages when given (a disk about to be full). */
  async startKiosk(maxPages?: number): Promise<void> {
    const cap = maxPages === undefined ? [] : ['--max-db-pages', String(maxPages)];
    this.kiosk = await startKioskProcess(this.kioskDir, ['--serial', this.pty.hostPath, ...cap]);
  }

  /** The kiosk database's size in pages; the kiosk must not be running (it opens the file to recover its WAL). */
  kioskPages(): number {
    const db = new BetterSqlite3(join(this.kioskDir, 'kiosk.db'));
    try {
      return db.pragma('page_count', { simple: true }) as number;
    } finally {
      db.close();
    }
  }

  /** Connects the simulated evaluator to the device end of the line. */
  async plugEvaluator(): Promise<void> {
    this.sim = new EvaluatorSimulator({ open: serialTransport(this.pty.devicePath) });
    await this.sim.start();
  }

  /** Pulls the USB-serial adapter: both ends of the line vanish. */
  async unplugEvaluator(): Promise<void> {
    await this.pty.kill();
    await this.sim.stop().catch(() => undefined);
  }

  async replugEvaluator(): Promise<void> {
    await this.pty.restart();
    await this.plugEvaluator();
  }

  async stop(): Promise<void> {
    await this.kiosk?.kill('SIGTERM').catch(() => undefined);
    await this.sim?.stop().catch(() => undefined);
    await this.pty.kill();
    await this.central?.kill('SIGTERM').catch(() => undefined);
    await this.proxy.stop();
    this.dir.remove();
  }
}
