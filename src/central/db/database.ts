/**
 * The central system's database: a PostgreSQL server through `pg`, or embedded PostgreSQL (PGlite) in a data folder
 * for a laptop with nothing installed. The same SQL runs on both; callers see one small interface. Runs in Node.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Something that runs parameterised SQL ($1, $2, …) and returns rows. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** A transaction: queries, and scripts of several statements (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
}

/** One statement of a `batch`. */
export interface Statement {
  sql: string;
  params?: unknown[];
}

export interface CentralDb extends Tx {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs statements known in advance, in order, in one transaction, and returns each one's rows. On PGlite's worker
   * it is one message: the database never waits in an open transaction for this thread to send the next statement.
   */
  batch<R = Record<string, unknown>>(statements: Statement[]): Promise<R[][]>;
  close(): Promise<void>;
}

// int8 (count(*), bigint) arrives as text by default; every bigint here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<CentralDb> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its connection (the server restarted) must not crash the process.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const transaction = async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        exec: async (sql) => void (await client.query(sql)),
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    query: async <R>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as R[],
    exec: async (sql) => void (await pool.query(sql)),
    transaction,
    batch: (statements) => transaction((tx) => runAll(tx, statements)),
    close: () => pool.end(),
  };
}

/**
 * PGlite on a worker thread of its own (`inWorker: false`: on this one). PGlite runs its PostgreSQL as WebAssembly on
 * the thread that calls it, and the central system's own work — HTTP, JSON, checking and sealing records — would
 * otherwise queue behind every statement. For a backlog of 100,000 records the worker is busy ~7 s and this thread
 * ~1.5 s beside it: delivered in 7.5 s, against 8.8 s with both on one thread (2026-11-25). Calls cross as messages
 * (structured clone); PGlite's own lock still puts every statement outside a transaction after it, as on one thread.
 */
export async function openPglite(dataDir: string, { inWorker = true } = {}): Promise<CentralDb> {
  if (!inWorker) {
    // Loaded only here: the worker loads its own, and a PostgreSQL centre needs none.
    const { PGlite } = await import('@electric-sql/pglite');
    return pgliteDb(await PGlite.create(dataDir));
  }
  const worker = new Worker(PGLITE_WORKER, {
    eval: true,
    workerData: { pglite: createRequire(import.meta.url).resolve('@electric-sql/pglite'), dataDir },
  });
  const waiting = new Map<number, { resolve(rows: unknown): void; reject(error: Error): void }>();
  let lost: Error | undefined;
  const lose = (error: Error) => {
    lost ??= error;
    for (const w of waiting.values()) w.reject(lost);
    waiting.clear();
  };
  worker.on('message', ({ id, rows, error }: Answer) => {
    const w = waiting.get(id);
    waiting.delete(id);
    if (error) w?.reject(Object.assign(new Error(error.message), error));
    else w?.resolve(rows);
  });
  worker.on('error', lose);
  worker.on('exit', (code) => lose(new Error(`the PGlite worker stopped (exit code ${code})`)));
  let nextId = 1;
  const call = <T>(request: Omit<Request, 'id'>): Promise<T> =>
    lost
      ? Promise.reject(lost)
      : new Promise((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve, reject });
          worker.postMessage({ id, ...request });
        });
  const on = (tx?: number): Tx => ({
    query: <R>(sql: string, params?: unknown[]) => call<R[]>({ op: 'query', tx, sql, params }),
    exec: async (sql) => void (await call({ op: 'exec', tx, sql })),
  });
  try {
    await call({ op: 'open' });
  } catch (error) {
    await worker.terminate();
    throw new Error(`the embedded database in ${dataDir} could not be opened: ${(error as Error).message}`);
  }
  let nextTx = 1;
  return {
    kind: 'pglite',
    ...on(),
    transaction: async (work) => {
      const tx = nextTx++;
      await call({ op: 'begin', tx });
      let result;
      try {
        result = await work(on(tx));
      } catch (error) {
        await call({ op: 'rollback', tx }).catch(() => undefined);
        throw error;
      }
      await call({ op: 'commit', tx });
      return result;
    },
    batch: <R>(statements: Statement[]) => call<R[][]>({ op: 'batch', statements }),
    close: async () => {
      await call({ op: 'close' });
      await worker.terminate();
    },
  };
}

function pgliteDb(db: PGlite): CentralDb {
  const transaction = <T>(work: (tx: Tx) => Promise<T>): Promise<T> =>
    db.transaction((tx) =>
      work({
        query: async <R>(sql: string, params?: unknown[]) => (await tx.query<R>(sql, params)).rows,
        exec: async (sql) => void (await tx.exec(sql)),
      }),
    );
  return {
    kind: 'pglite',
    query: async <R>(sql: string, params?: unknown[]) => (await db.query<R>(sql, params)).rows,
    exec: async (sql) => void (await db.exec(sql)),
    transaction,
    batch: (statements) => transaction((tx) => runAll(tx, statements)),
    close: () => db.close(),
  };
}

async function runAll<R>(tx: Queryable, statements: Statement[]): Promise<R[][]> {
  const results: R[][] = [];
  for (const { sql, params } of statements) results.push(await tx.query<R>(sql, params));
  return results;
}

interface Request {
  id: number;
  op: 'open' | 'query' | 'exec' | 'batch' | 'begin' | 'commit' | 'rollback' | 'close';
  /** The transaction a statement belongs to; none for one on its own. */
  tx?: number;
  sql?: string;
  params?: unknown[];
  statements?: Statement[];
}

interface Answer {
  id: number;
  rows?: unknown[];
  /** The error's message and its fields (SQLSTATE `code`, `detail`, `constraint`, …). */
  error?: { message: string } & Record<string, unknown>;
}

/**
 * The worker, as plain CommonJS so that it runs the same from the sources (tests, benchmarks) and from the build. A
 * transaction is PGlite's own `transaction`, held open until the main thread commits or rolls it back.
 */
const PGLITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const opening = PGlite.create(workerData.dataDir);
opening.catch(() => undefined);
const open = new Map();

async function run({ op, tx, sql, params, statements }) {
  const db = await opening;
  if (op === 'batch') {
    return db.transaction(async (t) => {
      const results = [];
      for (const s of statements) results.push((await t.query(s.sql, s.params)).rows);
      return results;
    });
  }
  if (op === 'begin') {
    const begun = {};
    await new Promise((resolve, reject) => {
      begun.done = db.transaction(
        (t) =>
          new Promise((commit, rollback) => {
            Object.assign(begun, { tx: t, commit, rollback });
            resolve();
          }),
      );
      begun.done.catch(reject);
    });
    open.set(tx, begun);
    return undefined;
  }
  const entry = tx === undefined ? undefined : open.get(tx);
  if (tx !== undefined && !entry) throw new Error('no such transaction: ' + tx);
  const on = entry ? entry.tx : db;
  switch (op) {
    case 'open':
      return undefined;
    case 'query':
      return (await on.query(sql, params)).rows;
    case 'exec':
      await on.exec(sql);
      return undefined;
    case 'commit':
    case 'rollback': {
      open.delete(tx);
      if (op === 'commit') {
        entry.commit();
        await entry.done;
      } else {
        entry.rollback(new Error('rolled back'));
        await entry.done.catch(() => undefined);
      }
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

// PGlite's file system throws Emscripten's ErrnoError, which has a number and no message.
const ERRNO = { 2: 'EACCES: permission denied', 20: 'EEXIST: already exists', 31: 'EISDIR: is a folder',
  44: 'ENOENT: no such file or folder', 51: 'ENOSPC: no space left on the disk', 54: 'ENOTDIR: not a folder',
  63: 'EPERM: not permitted', 69: 'EROFS: read-only file system' };

function describe(error) {
  if (typeof error?.message === 'string') return error.message;
  if (typeof error?.errno === 'number') return ERRNO[error.errno] ?? 'file system error ' + error.errno;
  return String(error);
}

parentPort.on('message', (request) => {
  run(request).then(
    (rows) => parentPort.postMessage({ id: request.id, rows }),
    (error) => {
      const fields = {};
      for (const [key, value] of Object.entries(error ?? {})) {
        if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
      }
      parentPort.postMessage({ id: request.id, error: { ...fields, message: describe(error) } });
    },
  );
});
`;
