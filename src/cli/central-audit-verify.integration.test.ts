/**
 * Integration (the real `hcp` program on the centre's embedded PostgreSQL): `hcp central audit verify --data DIR`
 * finds the audit log intact after a centre's admin changes, and the entry edited behind the database's back (as
 * the cluster's superuser, with the trigger disabled) once it is: against the running cluster, and against a
 * stopped one, which it starts for the check and stops again.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { openPostgres } from '../central/db/database.js';
import { runningClusterUrl } from '../central/db/embedded-cluster.js';
import { seedHall, startCentralProcess, type CentralProcess } from '../central/test-support/central-process.js';
import { freePort } from '../common/test-support/fault-proxy.js';
import { tempDir } from '../common/test-support/temp-dir.js';
import { HCP_BIN } from '../kiosk/test-support/kiosk-process.js';

const dir = tempDir('hcp-audit-verify-');
const dataDir = join(dir.path, 'central');
let central: CentralProcess | undefined;

afterAll(async () => {
  await central?.kill('SIGTERM');
  dir.remove();
});

/** `hcp central audit verify --data DIR`: its exit code and what it printed. */
async function verify(): Promise<{ code: number; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HCP_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [HCP_BIN, 'central', 'audit', 'verify', '--data', dataDir],
      { env },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

it('reports the audit log intact, then the first entry edited behind its back, running or stopped', async () => {
  central = await startCentralProcess({ dataDir, port: await freePort() });
  await seedHall(central.admin);
  expect(await verify()).toEqual({
    code: 0,
    out: expect.stringMatching(/^audit log intact: [4-9] entries, head [0-9a-f]{64}\n$/) as string,
  });

  const db = await openPostgres(runningClusterUrl(dataDir), { max: 1 });
  try {
    await expect(db.query("UPDATE audit_log SET actor_name = 'nobody' WHERE seq = 2")).rejects.toThrow(/append-only/);
    await db.exec(`
      ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
      UPDATE audit_log SET summary = '{"after":{"name":"其他部门"}}' WHERE seq = 2;
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
    `);
  } finally {
    await db.close();
  }
  const broken = await verify();
  expect(broken.code).toBe(1);
  expect(broken.out).toMatch(/^audit log BROKEN at entry 2 \(hash\): .*edited\n1 entries before it are intact\n$/);

  await central.kill('SIGTERM');
  central = undefined;
  expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  expect((await verify()).out).toMatch(/^audit log BROKEN at entry 2 \(hash\)/);
  // Started for the check, and stopped after it.
  expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
});
