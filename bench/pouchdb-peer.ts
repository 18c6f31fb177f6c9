/**
 * The peer: PouchDB, the usual offline-first store in JavaScript. pouchdb-node keeps the local database in LevelDB
 * (leveldown); express-pouchdb, in its own process, takes replication over loopback HTTP. Each rating is one
 * document with the same fields as the kiosk's record; the document is its own outbox (replication reads the
 * changes feed), so one `put` is the whole write.
 *
 * LevelDB does not sync a write by default: PouchDB's `put` returns before its data reached the disk, and a power cut
 * can lose what it acknowledged. `durable: true` opens the database on leveldown with `sync: true` on every write
 * (PouchDB itself has no such option): the like-for-like comparison with the kiosk's fsynced commit.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-node';
import { waitForListening } from '../src/common/test-support/listening.js';
import { freePort } from '../src/common/test-support/fault-proxy.js';
import { ratingRecord } from './rating-record.js';

type Done = (error?: Error) => void;
interface LevelDown {
  _put(key: unknown, value: unknown, options: object, done: Done): void;
  _del(key: unknown, options: object, done: Done): void;
  _batch(operations: unknown[], options: object, done: Done): void;
}

// leveldown as pouchdb-node itself loads it (its own dependency, not ours).
const leveldown = createRequire(createRequire(import.meta.url).resolve('pouchdb-node'))('leveldown') as (
  location: string,
) => LevelDown;

/** leveldown with every write synced to the disk before it returns. */
function SyncLevelDown(location: string): LevelDown {
  const store = leveldown(location);
  const put = store._put.bind(store);
  const del = store._del.bind(store);
  const batch = store._batch.bind(store);
  store._put = (key, value, options, done) => put(key, value, { ...options, sync: true }, done);
  store._del = (key, options, done) => del(key, { ...options, sync: true }, done);
  store._batch = (operations, options, done) => batch(operations, { ...options, sync: true }, done);
  return store;
}

export function openPouch(path: string, { durable }: { durable: boolean }): PouchDatabase {
  return new PouchDB(path, durable ? { db: SyncLevelDown } : {});
}

/** The `i`-th rating as a PouchDB document: the kiosk's record, its id as `_id`. */
function ratingDoc(i: number): PouchDoc {
  const { id, ...fields } = ratingRecord(i);
  return { _id: id, ...fields };
}

/** `count` ratings into `db`, 1,000 documents per `bulkDocs`. */
export async function fillPouch(db: PouchDatabase, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const docs = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ratingDoc(start + i));
    await db.bulkDocs(docs);
  }
}

/** How many `put`s timePuts makes, unmeasured, before it times any. */
export const WARM_UP = 50;

/** Times `writes` single-document `put`s, one after another, after WARM_UP unmeasured ones. */
export async function timePuts(db: PouchDatabase, writes: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WARM_UP + writes; i++) {
    const doc = ratingDoc(i);
    const t0 = performance.now();
    await db.put(doc);
    const t = performance.now() - t0;
    if (i >= WARM_UP) samples.push(t);
  }
  return samples;
}

export interface PouchServer {
  url: string;
  /** The number of documents the server holds in database `name`. */
  docCount(name: string): Promise<number>;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./pouchdb-server.ts', import.meta.url));

/** express-pouchdb in its own process, its databases under `dir`. */
export async function startPouchServer(dir: string): Promise<PouchServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, dir, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await waitForListening(child, 'express-pouchdb');
  return {
    url,
    docCount: async (name) => ((await (await fetch(`${url}/${name}`)).json()) as { doc_count: number }).doc_count,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
