/**
 * Starts the central system: opens its database (the PostgreSQL server at DATABASE_URL, or embedded PGlite in
 * DATA/pgdata), applies migrations, loads the admin token, the data key and the configuration-signing key, and
 * serves the API (over TLS when given a certificate). Runs in Node.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Sealer } from '../common/data-key.js';
import type { Logger } from '../common/logger.js';
import { CENTRAL_DEFAULT_PORT } from '../shared/central-api.js';
import { openPglite, openPostgres, type CentralDb } from './db/database.js';
import { migrateCentral } from './db/migrate.js';
import { buildCentralApi, type CentralApiOptions, type RateLimits } from './server.js';
import { CentralSigningKey } from './signing-key.js';

export interface RunCentralOptions {
  /** Folder for the admin token, the data key and (without a database URL) the embedded database. */
  dataDir: string;
  /** A PostgreSQL server; without it, embedded PGlite in DATA/pgdata. */
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
  app: FastifyInstance;
  adminToken: string;
  /** Where the generated admin token is kept, or null when it came from HCP_ADMIN_TOKEN. */
  adminTokenFile: string | null;
  /** The key that signs every configuration answer (DATA/central-signing.key). */
  signingKey: CentralSigningKey;
  stop(): Promise<void>;
}

export async function runCentral(options: RunCentralOptions): Promise<RunningCentral> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : await openPglite(join(options.dataDir, 'pgdata'));
  try {
    await migrateCentral(db);
    const { token, file } = adminToken(options.dataDir);
    const sealer = Sealer.fromFile(join(options.dataDir, 'data.key'));
    const signingKey = CentralSigningKey.loadOrCreate(options.dataDir);
    const app = buildCentralApi({
      db,
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
    const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? CENTRAL_DEFAULT_PORT });
    options.logger.info({ url, database: db.kind, signingKey: signingKey.fingerprint() }, 'central system ready');
    if (db.kind === 'pglite') {
      // PGlite's Node file system never calls fsync (electric-sql/pglite#1107): fine for a laptop or a trial.
      options.logger.warn(
        'the embedded database does not fsync: a power cut can lose its last writes. Run a hall on PostgreSQL (DATABASE_URL)',
      );
    }
    let stopping: Promise<void> | undefined;
    return {
      url,
      db,
      app,
      adminToken: token,
      adminTokenFile: file,
      signingKey,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await db.close();
        })()),
    };
  } catch (error) {
    await db.close();
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
