/**
 * Integration (real processes, real PostgreSQL): a kiosk PC switched off at night never reached a 24-hour interval
 * counted from its start. Now a kiosk whose last reconciliation is more than a day old reconciles as soon as it
 * starts, shows when in its status, and the centre's fleet list shows it too (from the heartbeat).
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../common/test-support/fault-proxy.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { seedHall, startCentralProcess, type CentralProcess } from '../central/test-support/central-process.js';
import { createTestDatabase } from '../central/test-support/pg-cluster.js';
import { enrollKioskProcess, startKioskProcess, type KioskProcess } from '../kiosk/test-support/kiosk-process.js';
import type { StatusView } from '../shared/local-api.js';
import { waitFor } from '../common/test-support/wait-for.js';

let dir: ReturnType<typeof tempDir>;
let central: CentralProcess;
let kiosk: KioskProcess | undefined;

beforeAll(async () => {
  dir = tempDir('hcp-reconcile-start-');
  const databaseUrl = await createTestDatabase(inject('pgUrl'), 'reconcile_at_start');
  central = await startCentralProcess({ dataDir: join(dir.path, 'central'), port: await freePort(), databaseUrl });
  await seedHall((method, path, body) => central.admin(method, path, body));
});

afterAll(async () => {
  await kiosk?.kill('SIGTERM');
  await central?.kill('SIGTERM');
  dir.remove();
});

it('a kiosk whose last reconciliation is more than a day old reconciles at start, and the fleet list shows it', async () => {
  const { code } = (await central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口' }))
    .body as { code: string };
  const kioskDir = join(dir.path, 'kiosk');
  const enrolled = await enrollKioskProcess(kioskDir, central.url, code);
  expect(enrolled.stdout).toMatch(/enrolled as device/);
  // The PC was off: its last reconciliation (and pruning) were 30 hours ago.
  const stale = new Date(Date.now() - 30 * 3600_000).toISOString();
  const db = new BetterSqlite3(join(kioskDir, 'kiosk.db'));
  db.prepare(
    `INSERT INTO settings (key, value) VALUES ('lastReconciledAt', ?), ('lastPrunedAt', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(JSON.stringify(stale), JSON.stringify(stale));
  db.close();

  process.env.HCP_SYNC_HEARTBEAT_MS = '500';
  kiosk = await startKioskProcess(kioskDir);
  const status = async () => (await kiosk!.api('GET', '/status')).body as StatusView;
  await waitFor('a reconciliation at start', async () => (await status()).central.lastReconciledAt !== stale, 30_000);
  const reconciledAt = (await status()).central.lastReconciledAt!;
  expect(Date.now() - Date.parse(reconciledAt)).toBeLessThan(60_000);

  await waitFor(
    'the fleet list to show it',
    async () => {
      const devices = (await central.admin('GET', '/devices')).body as { items: { lastReconciledAt: string | null }[] };
      return devices.items.some(
        (d) => d.lastReconciledAt !== null && Date.parse(d.lastReconciledAt) === Date.parse(reconciledAt),
      );
    },
    30_000,
  );
});
