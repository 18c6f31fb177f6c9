/**
 * The peer's server, run as its own process like the central system: express-pouchdb (an Express app speaking
 * CouchDB's replication protocol) over pouchdb-node, its databases in LevelDB under DIR, on 127.0.0.1:PORT.
 *
 *   node --import tsx bench/pouchdb-server.ts DIR PORT
 */
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';

const [dir, port] = process.argv.slice(2);
if (!dir || !port) throw new Error('usage: pouchdb-server.ts DIR PORT');
const app = expressPouchDB(PouchDB.defaults({ prefix: `${dir}/` }), { mode: 'minimumForPouchDB' });
app.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${port}\n`));
