/**
 * Integration (the real `hcp central` program on its embedded PostgreSQL, real processes, signals and HTTP): the
 * cluster's life in DATA/pg — created on first start, shut down cleanly by a normal stop, found running after the
 * central process was killed outright and stopped before a clean start with every acknowledged record there, a
 * second central on the same folder refused, a folder of a newer PostgreSQL refused by name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { batch, evaluation } from '../central/test-support/api-harness.js';
import { seedHall, startCentralProcess, type CentralProcess } from '../central/test-support/central-process.js';
import { openPostgres } from '../central/db/database.js';
import { DeviceIdentity } from '../common/device-identity.js';
import { HCP_BIN } from '../kiosk/test-support/kiosk-process.js';
import { freePort } from '../common/test-support/fault-proxy.js';
import { tempDir } from '../common/test-support/temp-dir.js';

const dirs: { remove(): void }[] = [];
const dataDirs: string[] = [];
const running: CentralProcess[] = [];

afterEach(async () => {
  for (const c of running.splice(0)) await c.kill('SIGTERM');
  // A test that failed between killing a centre and starting the next leaves its server running: stop it (SIGINT is
  // PostgreSQL's fast shutdown), so that no postgres outlives the suite.
  for (const dataDir of dataDirs.splice(0)) {
    if (!existsSync(join(dataDir, 'pg', 'postmaster.pid'))) continue;
    const pid = postmasterPid(dataDir);
    if (isRunning(pid)) process.kill(pid, 'SIGINT');
    for (const end = Date.now() + 30_000; isRunning(pid) && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  for (const d of dirs.splice(0)) d.remove();
});

function dataFolder(): string {
  const dir = tempDir('hcp-embedded-');
  dirs.push(dir);
  dataDirs.push(join(dir.path, 'central'));
  return join(dir.path, 'central');
}

async function start(dataDir: string): Promise<CentralProcess> {
  const central = await startCentralProcess({ dataDir, port: await freePort() });
  running.push(central);
  return central;
}

async function stop(central: CentralProcess, signal: NodeJS.Signals): Promise<void> {
  running.splice(running.indexOf(central), 1);
  await central.kill(signal);
}

/** The postmaster's process id, from the first line of DATA/pg/postmaster.pid. */
const postmasterPid = (dataDir: string) =>
  Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

/** Alive, and not a zombie: a server that exited stays one until whoever adopted it reaps it. */
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
};

const serverLog = (dataDir: string) => readFileSync(join(dataDir, 'postgres.log'), 'utf8');

/** Enrols a window kiosk through the real device API and returns a sender of signed record batches. */
async function enrolDevice(central: CentralProcess) {
  const { code } = (await central.admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: 'W01' }))
    .body as { code: string };
  const keyDir = tempDir('hcp-embedded-key-');
  dirs.push(keyDir);
  const identity = DeviceIdentity.create(keyDir.path);
  const res = await fetch(`${central.url}/api/v1/devices/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, publicKey: identity.publicKey(), info: { version: '0.1.0' } }),
  });
  const { deviceId } = (await res.json()) as { deviceId: string };
  return async (at: CentralProcess, records: unknown[]): Promise<string[]> => {
    const path = '/api/v1/device/records';
    const bytes = Buffer.from(JSON.stringify(batch(records)));
    const answer = await fetch(`${at.url}${path}`, {
      method: 'POST',
      headers: { ...identity.sign(deviceId, 'POST', path, bytes), 'content-type': 'application/json' },
      body: bytes,
    });
    const { results } = (await answer.json()) as { results: { status: string }[] };
    return results.map((r) => r.status);
  };
}

it('creates the cluster on first start, with its password kept 0600 and the server’s log in the data folder', async () => {
  const dataDir = dataFolder();
  const central = await start(dataDir);
  await seedHall(central.admin);
  expect(readFileSync(join(dataDir, 'pg', 'PG_VERSION'), 'utf8').trim()).toBe('18');
  expect(statSync(join(dataDir, 'pg-password')).mode & 0o777).toBe(0o600);
  expect(serverLog(dataDir)).toContain('database system is ready to accept connections');
  // `hcp central database-url` reaches the running cluster as a backup tool (pg_dump) would.
  const url = execFileSync(process.execPath, [HCP_BIN, 'central', 'database-url', '--data', dataDir], {
    encoding: 'utf8',
  }).trim();
  const db = await openPostgres(url);
  try {
    expect(await db.query('SELECT code FROM departments')).toEqual([{ code: 'SCJG' }]);
  } finally {
    await db.close();
  }
});

it('shuts the cluster down cleanly on a normal stop, and finds every change again on restart', async () => {
  const dataDir = dataFolder();
  const first = await start(dataDir);
  await seedHall(first.admin);
  const pid = postmasterPid(dataDir);
  await stop(first, 'SIGTERM');
  expect(isRunning(pid)).toBe(false);
  expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  expect(serverLog(dataDir)).toMatch(/database system is shut down\n$/);

  const second = await start(dataDir);
  // A clean shutdown needs no recovery: the next start reads "was shut down", never "interrupted".
  const restartLog = serverLog(dataDir).split('received fast shutdown request').at(-1)!;
  expect(restartLog).toMatch(/database system was shut down at/);
  expect(restartLog).not.toMatch(/interrupted|automatic recovery/);
  const departments = (await second.admin('GET', '/departments')).body as { code: string }[];
  expect(departments.map((d) => d.code)).toEqual(['SCJG']);
});

it('after a SIGKILL of the central process, stops the postgres it left running and starts cleanly, losing no acknowledged record', async () => {
  const dataDir = dataFolder();
  const first = await start(dataDir);
  await seedHall(first.admin);
  const send = await enrolDevice(first);
  const records = Array.from({ length: 50 }, (_, i) => evaluation({ caseNo: `C-${i}` }));
  expect(await send(first, records)).toEqual(records.map(() => 'accepted'));
  const orphan = postmasterPid(dataDir);

  await stop(first, 'SIGKILL');
  expect(isRunning(orphan)).toBe(true);

  const second = await start(dataDir);
  expect(isRunning(orphan)).toBe(false);
  expect(postmasterPid(dataDir)).not.toBe(orphan);
  // Stopped with a clean shutdown: the server's log shows no crash recovery on the way.
  expect(serverLog(dataDir)).not.toMatch(/automatic recovery/);
  expect(await send(second, records)).toEqual(records.map(() => 'duplicate'));
  const current = postmasterPid(dataDir);

  // Its stop waits for the server's: once the central process has exited, no postgres of its folder is left.
  await stop(second, 'SIGTERM');
  expect(isRunning(current)).toBe(false);
});

it('recovers a cluster whose central and server were both killed outright, losing no acknowledged record', async () => {
  const dataDir = dataFolder();
  const first = await start(dataDir);
  await seedHall(first.admin);
  const send = await enrolDevice(first);
  const records = Array.from({ length: 20 }, () => evaluation());
  expect(await send(first, records)).toEqual(records.map(() => 'accepted'));
  const server = postmasterPid(dataDir);
  await stop(first, 'SIGKILL');
  process.kill(server, 'SIGKILL');
  for (const end = Date.now() + 30_000; isRunning(server) && Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 20));
  }

  const second = await start(dataDir);
  expect(serverLog(dataDir)).toMatch(/not properly shut down; automatic recovery in progress/);
  expect(await send(second, records)).toEqual(records.map(() => 'duplicate'));
});

it('refuses a second central on the same data folder, naming the one running, and leaves that one serving', async () => {
  const dataDir = dataFolder();
  const first = await start(dataDir);
  const pid = first.child.pid!;
  await expect(start(dataDir)).rejects.toThrow(`another hcp central (process ${pid}) is running on ${dataDir}`);
  expect((await first.admin('GET', '/departments')).status).toBe(200);
});

it('refuses a data folder whose cluster a newer PostgreSQL created, by name, and leaves it untouched', async () => {
  const dataDir = dataFolder();
  mkdirSync(join(dataDir, 'pg'), { recursive: true });
  writeFileSync(join(dataDir, 'pg', 'PG_VERSION'), '99\n');
  await expect(start(dataDir)).rejects.toThrow(
    `${join(dataDir, 'pg')} was created by PostgreSQL 99, newer than this release's PostgreSQL 18`,
  );
  expect(readFileSync(join(dataDir, 'pg', 'PG_VERSION'), 'utf8')).toBe('99\n');
  expect(existsSync(join(dataDir, 'postgres.log'))).toBe(false);
});
