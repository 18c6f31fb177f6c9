/**
 * The central system's database: a PostgreSQL server through `pg`, a hall's own or the embedded cluster in the data
 * folder (`embedded-cluster.ts`); callers see one small interface. The SQL keeps to what PostgreSQL 13 and later
 * run, the level PostgreSQL-compatible databases (KingbaseES, HighGo) offer. Runs in Node.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

/** Something that runs parameterised SQL ($1, $2, …) and returns rows. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** A transaction: queries, and scripts of several statements (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
  /** Runs one statement, prepared if it asks to be. */
  statement<R = Record<string, unknown>>(statement: Statement): Promise<R[]>;
}

/** One statement of a `batch`, or of `statement`. */
export interface Statement {
  sql: string;
  params?: unknown[];
  /**
   * Kept prepared on each connection, under a name derived from its text: parsed and planned once per connection
   * instead of on every run. For the few statements a hot path runs again and again with only their parameters
   * changing (ingest's); their text must not be built from values.
   */
  prepare?: boolean;
}

export interface CentralDb extends Tx {
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs statements known in advance, in order, in one transaction, and returns each one's rows. */
  batch<R = Record<string, unknown>>(statements: Statement[]): Promise<R[][]>;
  close(): Promise<void>;
}

// int8 (count(*), bigint) arrives as text by default; every bigint here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The names of prepared statements, by their text (a hot path's few statements: the map stays small). */
const preparedNames = new Map<string, string>();

/** What `pg` runs for `statement`: its text, or its prepared name with the text pg prepares it from. */
function queryConfig({ sql, params, prepare }: Statement): pg.QueryConfig {
  if (!prepare) return { text: sql, values: params };
  let name = preparedNames.get(sql);
  if (name === undefined) {
    name = `hcp_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    preparedNames.set(sql, name);
  }
  return { name, text: sql, values: params };
}

/** A pool of `max` connections to the server at `url`; resolves once one query has gone through. */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<CentralDb> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client losing its connection (the server restarted) must not crash the process.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const transaction = async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // One statement at a time on the transaction's connection, in the order asked, whoever asks them together
      // (a Promise.all inside a transaction): pg queues them itself only until its next major.
      let last: Promise<unknown> = Promise.resolve();
      const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
        const next = last.then(run, run);
        last = next.catch(() => undefined);
        return next;
      };
      const result = await work({
        query: <R>(sql: string, params?: unknown[]) =>
          inTurn(async () => (await client.query(sql, params)).rows as R[]),
        exec: (sql) => inTurn(async () => void (await client.query(sql))),
        statement: <R>(statement: Statement) =>
          inTurn(async () => (await client.query(queryConfig(statement))).rows as R[]),
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
    query: async <R>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as R[],
    exec: async (sql) => void (await pool.query(sql)),
    transaction,
    batch: (statements) => transaction((tx) => runAll(tx, statements)),
    statement: async <R>(statement: Statement) => (await pool.query(queryConfig(statement))).rows as R[],
    close: () => pool.end(),
  };
}

async function runAll<R>(tx: Tx, statements: Statement[]): Promise<R[][]> {
  const results: R[][] = [];
  for (const statement of statements) results.push(await tx.statement<R>(statement));
  return results;
}
