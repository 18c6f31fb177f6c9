/**
 * Starts the central system: opens its database (the PostgreSQL server at DATABASE_URL, or the embedded
 * PostgreSQL cluster in DATA/pg, started and stopped with it), applies migrations, loads the admin token, the data key and the configuration-signing key, and
 * serves the API (over TLS when given a certificate). Runs in Node.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Sealer } from '../common/data-key.js';
import type { Logger } from '../common/logger.js';
import { ensureFirstAdmin } from './accounts/commands.js';
import { SignInTickets } from './accounts/sign-in-tickets.js';
import { CENTRAL_DEFAULT_PORT } from '../shared/central-api.js';
import { openPostgres, type CentralDb } from './db/database.js';
import { startEmbeddedCluster, type EmbeddedCluster } from './db/embedded-cluster.js';
import { migrateCentral } from './db/migrate.js';
import { buildCentralApi, type CentralApiOptions, type RateLimits } from './server.js';
import { CentralSigningKey } from './signing-key.js';

export interface RunCentralOptions {
  /** Folder for the admin token, the data key and (without a database URL) the embedded database. */
  dataDir: string;
  /** A PostgreSQL server; without it, the embedded cluster in DATA/pg. */
  databaseUrl?: string;
  host?: string;
  port?: number;
  logger: Logger;
  /** PEM files of the centre's TLS certificate (with its chain) and key: the API is served over HTTPS. */
  tls?: { certFile: string; keyFile: string };
  /** Behind a reverse proxy: Fastify's `trustProxy` (e.g. the proxy's address), so rate limits see client IPs. */
  trustProxy?: CentralApiOptions['trustProxy'];
  rateLimits?: Partial<RateLimits>;
}

export interface RunningCentral {
  url: string;
  db: CentralDb;
  /** `server` (DATABASE_URL) or `embedded` (DATA/pg). */
  database: 'server' | 'embedded';
  /** The embedded cluster, when the centre runs on it. */
  cluster: EmbeddedCluster | null;
  app: FastifyInstance;
  adminToken: string;
  /** Where the generated admin token is kept, or null when it came from HCP_ADMIN_TOKEN. */
  adminTokenFile: string | null;
  /** The key that signs every configuration answer (DATA/central-signing.key). */
  signingKey: CentralSigningKey;
  /** Issues one-use sign-in links to the console (the demo opens it signed in): src/central/accounts/sign-in-tickets.ts. */
  signInTickets: SignInTickets;
  stop(): Promise<void>;
}

/** Connections waiting for the centre to accept them (see listen below). */
const LISTEN_BACKLOG = 8192;

export async function runCentral(options: RunCentralOptions): Promise<RunningCentral> {
  // As root the embedded server runs as `postgres`, which must enter the folder (its secrets stay 0600).
  const asRoot = process.getuid?.() === 0;
  mkdirSync(options.dataDir, { recursive: true, mode: asRoot && !options.databaseUrl ? 0o711 : 0o700 });
  const cluster = options.databaseUrl
    ? null
    : await startEmbeddedCluster(options.dataDir, options.logger.child({ module: 'embedded-postgres' }));
  if (cluster && existsSync(join(options.dataDir, 'pgdata'))) {
    // Earlier builds of the centre kept an embedded PGlite database there; nothing reads it now.
    options.logger.warn(
      { folder: join(options.dataDir, 'pgdata') },
      'this folder holds the PGlite database of an earlier release, which is no longer read: the centre starts on DATA/pg',
    );
  }
  let db: CentralDb | undefined;
  let statusDb: CentralDb | undefined;
  const close = async () => {
    await statusDb?.close();
    await db?.close();
    await cluster?.stop();
  };
  try {
    db = await openPostgres(options.databaseUrl ?? cluster!.url);
    await migrateCentral(db);
    // Device lookups and heartbeats (server.ts statusDb): a few connections, never waiting behind record batches.
    statusDb = await openPostgres(options.databaseUrl ?? cluster!.url, { max: 4 });
    const firstAdminPassword = await ensureFirstAdmin(db);
    if (firstAdminPassword) {
      // Printed once, to whoever started the centre; only its hash is kept, and it must be changed at first login.
      process.stderr.write(
        `hcp central: first start: account "admin" created with the one-time password ${firstAdminPassword}\n`,
      );
    }
    const { token, file } = adminToken(options.dataDir);
    options.logger.warn(
      'the static admin token is deprecated: for one release it acts as the admin API key legacy-admin-token; log in with an account instead',
    );
    const sealer = Sealer.fromFile(join(options.dataDir, 'data.key'));
    const signingKey = CentralSigningKey.loadOrCreate(options.dataDir);
    const signInTickets = new SignInTickets();
    const app = buildCentralApi({
      signInTickets,
      db,
      statusDb,
      dataDir: options.dataDir,
      adminToken: token,
      sealer,
      signingKey,
      logger: options.logger,
      ...(options.tls
        ? { https: { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) } }
        : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    });
    // A city's fleet reconnects at once after a network outage, and kiosks open a connection per heartbeat when
    // the keep-alive has lapsed: connections the centre has not yet accepted wait in the kernel's queue, and once
    // it is full the kernel drops them and each client's TCP retries after one second, then two, four… Node's
    // default queue (511) overflowed under the fleet benchmark; the kernel caps this at net.core.somaxconn
    // (docs/install.md).
    const url = await app.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? CENTRAL_DEFAULT_PORT,
      backlog: LISTEN_BACKLOG,
    });
    const database = cluster ? 'embedded' : 'server';
    options.logger.info({ url, database, signingKey: signingKey.fingerprint() }, 'central system ready');
    let stopping: Promise<void> | undefined;
    return {
      url,
      db,
      database,
      cluster,
      app,
      adminToken: token,
      adminTokenFile: file,
      signingKey,
      signInTickets,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await close();
        })()),
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** HCP_ADMIN_TOKEN, or a token generated on first start into DATA/admin-token (mode 0600). */
function adminToken(dataDir: string): { token: string; file: string | null } {
  const fromEnv = process.env.HCP_ADMIN_TOKEN;
  if (fromEnv) {
    if (fromEnv.length < 16) throw new Error('HCP_ADMIN_TOKEN must be at least 16 characters');
    return { token: fromEnv, file: null };
  }
  const file = join(dataDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { token: readFileSync(file, 'utf8').trim(), file };
}
