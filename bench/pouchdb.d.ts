/**
 * The little of PouchDB's API the peer benchmarks use (pouchdb-node and express-pouchdb ship no types; the
 * DefinitelyTyped ones describe PouchDB 7 and pull in a dozen packages).
 */
declare module 'pouchdb-node' {
  export interface PouchDoc {
    _id: string;
    [field: string]: unknown;
  }

  export interface PouchInfo {
    doc_count: number;
  }

  export interface ReplicationResult {
    ok: boolean;
  }

  export interface ReplicateOptions {
    /** Documents per request (default 100). */
    batch_size?: number;
  }

  export interface PouchDatabase {
    put(doc: PouchDoc): Promise<{ ok: boolean; id: string; rev: string }>;
    bulkDocs(docs: PouchDoc[]): Promise<unknown[]>;
    info(): Promise<PouchInfo>;
    close(): Promise<void>;
    replicate: { to(target: string, options?: ReplicateOptions): Promise<ReplicationResult> };
  }

  export interface PouchOptions {
    /** A leveldown-compatible store in place of leveldown (named: PouchDB keys its open stores by its name). */
    db?: (location: string) => unknown;
    /** Prepended to every database name: where a server keeps its databases. */
    prefix?: string;
  }

  export interface PouchConstructor {
    new (name: string, options?: PouchOptions): PouchDatabase;
    defaults(options: PouchOptions): PouchConstructor;
  }

  const PouchDB: PouchConstructor;
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { Server } from 'node:http';
  import type { PouchConstructor } from 'pouchdb-node';

  interface ExpressPouchOptions {
    /** 'minimumForPouchDB': only the routes PouchDB replication uses (no Fauxton, no config or log files). */
    mode?: 'fullCouchDB' | 'minimumForPouchDB';
  }

  export default function expressPouchDB(
    PouchDB: PouchConstructor,
    options?: ExpressPouchOptions,
  ): { listen(port: number, host: string, ready: () => void): Server };
}
