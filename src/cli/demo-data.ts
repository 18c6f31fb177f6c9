/**
 * The demo hall (`npm start`): a catalogue of several departments, and a month of ratings delivered the way real
 * ones arrive — by simulated kiosks, one per window, each enrolled with an enrolment code and its own Ed25519 key,
 * sending signed record batches to the device API. Some of them keep heartbeating while the demo runs; the others
 * heartbeat once, with records still queued, and fall silent: the console's 设备 page shows them offline with their
 * oldest undelivered record. Seeded once per data folder (the marker file); the kiosks' keys are kept (0600) so
 * that the online ones can heartbeat again on the next run. Random choices come from a fixed seed: every demo
 * shows the same hall. Runs in Node.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uuidv7 } from '../common/ids.js';
import { seededRandom } from '../common/seeded-random.js';
import { DeviceIdentity } from '../common/device-identity.js';
import type { CentralDb } from '../central/db/database.js';
import { CentralClient } from '../kiosk/sync/central-client.js';
import { APP_VERSION } from '../kiosk/version.js';
import type { EnrollResponse, HeartbeatRequest } from '../shared/central-api.js';
import type { Satisfaction } from '../shared/satisfaction.js';
import { MAX_RECORDS_PER_BATCH, type RecordResult, type WireEvaluation } from '../shared/wire-records.js';

/** A request to the admin API of the demo's centre (the demo holds its admin credential). */
export type AdminRequest = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Response>;

interface DemoWindow {
  code: string;
  name: string;
  department: string;
  staff: string[];
  items: string[];
  /** Whether its simulated kiosk keeps heartbeating (W01 is the demo's real kiosk, not simulated). */
  online: boolean;
}

const DEPARTMENTS: [string, string][] = [
  ['SCJG', '市场监督管理局'],
  ['RSJ', '人力资源和社会保障局'],
  ['GAJ', '公安局出入境管理'],
  ['BDC', '不动产登记中心'],
  ['SWJ', '税务局'],
];

const STAFF: [string, string, string][] = [
  ['1001', '王丽', 'SCJG'],
  ['1002', '李强', 'SCJG'],
  ['2001', '张敏', 'RSJ'],
  ['2002', '周杰', 'RSJ'],
  ['3001', '刘洋', 'GAJ'],
  ['4001', '陈静', 'BDC'],
  ['4002', '黄伟', 'BDC'],
  ['5001', '赵磊', 'SWJ'],
  ['5002', '孙婷', 'SWJ'],
];

const ITEMS: [string, string, string][] = [
  ['SC-0001', '个体工商户设立登记', 'SCJG'],
  ['SC-0002', '食品经营许可证核发', 'SCJG'],
  ['SC-0003', '企业名称变更登记', 'SCJG'],
  ['RS-0001', '社会保障卡申领', 'RSJ'],
  ['RS-0002', '失业保险金申领', 'RSJ'],
  ['GA-0001', '往来港澳通行证签注', 'GAJ'],
  ['GA-0002', '普通护照签发', 'GAJ'],
  ['BD-0001', '不动产首次登记', 'BDC'],
  ['BD-0002', '二手房转移登记', 'BDC'],
  ['SW-0001', '增值税发票领用', 'SWJ'],
  ['SW-0002', '个人所得税汇算咨询', 'SWJ'],
];

const WINDOWS: DemoWindow[] = [
  { code: 'W01', name: '1号窗口', department: 'SCJG', staff: ['1001'], items: ['SC-0001', 'SC-0002'], online: true },
  { code: 'W02', name: '2号窗口', department: 'SCJG', staff: ['1002'], items: ['SC-0002', 'SC-0003'], online: true },
  {
    code: 'W03',
    name: '3号窗口',
    department: 'RSJ',
    staff: ['2001', '2002'],
    items: ['RS-0001', 'RS-0002'],
    online: true,
  },
  { code: 'W04', name: '4号窗口', department: 'GAJ', staff: ['3001'], items: ['GA-0001', 'GA-0002'], online: true },
  {
    code: 'W05',
    name: '5号窗口',
    department: 'BDC',
    staff: ['4001', '4002'],
    items: ['BD-0001', 'BD-0002'],
    online: false,
  },
  { code: 'W06', name: '6号窗口', department: 'SWJ', staff: ['5001'], items: ['SW-0001', 'SW-0002'], online: true },
  { code: 'W07', name: '7号窗口', department: 'SWJ', staff: ['5002'], items: ['SW-0001', 'SW-0002'], online: false },
];

/** The PINs the demo prints for the staff panel. */
export const DEMO_STAFF_PINS: Record<string, string> = { '1001': '246810', '1002': '135790' };

/** The catalogue, in the order the admin API needs it (departments before what names them). */
export const DEMO_CATALOGUE: [string, unknown][] = [
  ...DEPARTMENTS.map(([code, name]): [string, unknown] => ['/departments', { code, name }]),
  ...WINDOWS.map((w): [string, unknown] => ['/windows', { code: w.code, name: w.name, departmentCode: w.department }]),
  ...STAFF.map(([staffNo, name, departmentCode], i): [string, unknown] => [
    '/staff',
    { staffNo, name, departmentCode, pin: DEMO_STAFF_PINS[staffNo] ?? String(200_000 + i * 13_579).slice(0, 6) },
  ]),
  ...ITEMS.map(([code, name, departmentCode]): [string, unknown] => ['/service-items', { code, name, departmentCode }]),
];

/** Days of history the demo hall has. */
const HISTORY_DAYS = 30;

/** Mostly 非常满意, as halls report; a window of its own share of 差评 (W05 has the most, to give the console a case). */
function level(rand: () => number, window: DemoWindow): Satisfaction {
  const bad = window.code === 'W05' ? 0.12 : 0.04;
  const r = rand();
  if (r < bad * 0.4) return 1;
  if (r < bad) return 2;
  if (r < bad + 0.06) return 3;
  if (r < bad + 0.24) return 4;
  return 5;
}

const BEIJING_MS = 8 * 3600_000;

/** A month of one window's invitations: working days (Monday to Friday), 9:00 to 17:00 Beijing time. */
function history(window: DemoWindow, rand: () => number, now: number): WireEvaluation[] {
  const records: WireEvaluation[] = [];
  const today = Math.floor((now + BEIJING_MS) / 86_400_000);
  for (let day = today - HISTORY_DAYS; day <= today; day++) {
    const weekday = new Date(day * 86_400_000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const invitations = 25 + Math.floor(rand() * 30);
    for (let n = 0; n < invitations; n++) {
      const at = day * 86_400_000 - BEIJING_MS + (9 + rand() * 8) * 3600_000;
      if (at > now - 60_000) continue;
      const r = rand();
      const outcome = r < 0.07 ? 'unrated' : r < 0.09 ? 'cancelled' : 'rated';
      const satisfaction = outcome === 'rated' ? level(rand, window) : null;
      const staffNo = window.staff[Math.floor(rand() * window.staff.length)]!;
      const item = window.items[Math.floor(rand() * window.items.length)]!;
      records.push({
        kind: 'evaluation',
        id: uuidv7(at),
        channel: 'hall_window',
        mode: 'window',
        outcome,
        satisfaction,
        source: outcome === 'rated' ? 'serial' : null,
        invitedAt: new Date(at).toISOString(),
        expiresAt: new Date(at + 60_000).toISOString(),
        endedAt: new Date(at + 5_000 + rand() * 40_000).toISOString(),
        shiftId: null,
        staffNo,
        windowCode: window.code,
        departmentCode: window.department,
        serviceItemCode: item,
        caseNo: null,
        ticketNo: null,
        rater: null,
      });
    }
  }
  return records.sort((a, b) => a.invitedAt.localeCompare(b.invitedAt));
}

interface StoredKiosk {
  window: string;
  deviceId: string;
  privateKeyPem: string;
  online: boolean;
}

/** The simulated kiosks of the demo hall, enrolled and loaded with their month; or the ones of an earlier run. */
export class DemoHall {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly centralUrl: string,
    private readonly kiosks: (StoredKiosk & { client: CentralClient })[],
  ) {}

  /**
   * Seeds the hall once per `dir` (its catalogue must be in place): every simulated kiosk enrols and delivers its
   * month; the ones that go offline heartbeat once with a queue still waiting, as a kiosk whose network went.
   */
  static async open(options: {
    dir: string;
    centralUrl: string;
    admin: AdminRequest;
    db: CentralDb;
  }): Promise<DemoHall> {
    const file = join(options.dir, 'demo-kiosks.json');
    if (existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKiosk[];
      return new DemoHall(
        options.centralUrl,
        stored.map((k) => ({ ...k, client: clientOf(options.centralUrl, k) })),
      );
    }
    // The demo hall has existed for a month: its windows belonged to their departments then too (a window's
    // department history otherwise starts at its creation, and the centre refuses older records of it).
    await options.db.query(`UPDATE window_departments SET since = now() - make_interval(days => $1)`, [
      HISTORY_DAYS + 1,
    ]);
    const now = Date.now();
    const rand = seededRandom(20261201);
    const kiosks: (StoredKiosk & { client: CentralClient })[] = [];
    for (const window of WINDOWS.filter((w) => w.code !== 'W01')) {
      const kiosk = await enrol(options, window);
      kiosks.push(kiosk);
      const records = history(window, rand, now);
      // An offline kiosk still holds its last afternoon: delivered up to two hours ago, the rest queued.
      const cut = window.online
        ? records.length
        : records.findIndex((r) => Date.parse(r.invitedAt) > now - 2 * 3600_000);
      const delivered = cut < 0 ? records : records.slice(0, cut);
      const queued = cut < 0 ? [] : records.slice(cut);
      for (let i = 0; i < delivered.length; i += MAX_RECORDS_PER_BATCH) {
        const res = await kiosk.client.request<{ results: RecordResult[] }>('POST', '/api/v1/device/records', {
          sentAt: new Date().toISOString(),
          clockOffsetMs: 0,
          records: delivered.slice(i, i + MAX_RECORDS_PER_BATCH),
        });
        const refused = res.body?.results?.find((r) => r.status === 'rejected');
        if (res.status !== 200 || refused) {
          throw new Error(`demo kiosk ${window.code}: records answered ${res.status} ${JSON.stringify(refused ?? '')}`);
        }
      }
      await heartbeat(kiosk.client, queued.length, queued[0]?.invitedAt ?? null);
    }
    // The offline ones heartbeated last two hours ago, when their network went. (The fleet list writes the
    // heartbeats it holds before it answers: after it, the backdating is not overwritten.)
    await options.admin('GET', '/devices?limit=1');
    await options.db.query(
      `UPDATE devices SET last_heartbeat_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`,
      [kiosks.filter((k) => !k.online).map((k) => k.deviceId)],
    );
    writeFileSync(file, JSON.stringify(kiosks.map(({ client: _client, ...k }) => k)), { mode: 0o600 });
    return new DemoHall(options.centralUrl, kiosks);
  }

  /** The online ones heartbeat every 30 s while the demo runs, as kiosks do. */
  keepOnline(): void {
    const beat = () => {
      for (const k of this.kiosks.filter((k) => k.online)) void heartbeat(k.client, 0, null).catch(() => undefined);
    };
    beat();
    this.timer = setInterval(beat, 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get size(): { online: number; offline: number } {
    const online = this.kiosks.filter((k) => k.online).length;
    return { online, offline: this.kiosks.length - online };
  }

  get url(): string {
    return this.centralUrl;
  }
}

function clientOf(centralUrl: string, k: StoredKiosk): CentralClient {
  return new CentralClient({
    baseUrl: centralUrl,
    deviceId: k.deviceId,
    identity: DeviceIdentity.fromPem(k.privateKeyPem),
  });
}

async function enrol(
  options: { centralUrl: string; admin: AdminRequest },
  window: DemoWindow,
): Promise<StoredKiosk & { client: CentralClient }> {
  const created = await options.admin('POST', '/enrollments', {
    mode: 'window',
    windowCode: window.code,
    name: `${window.name} 评价器`,
  });
  if (created.status !== 201) throw new Error(`demo: an enrolment code for ${window.code} answered ${created.status}`);
  const { code } = (await created.json()) as { code: string };
  const privateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const identity = DeviceIdentity.fromPem(privateKeyPem);
  const res = await fetch(new URL('/api/v1/devices/enroll', options.centralUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, publicKey: identity.publicKey(), info: { version: APP_VERSION } }),
  });
  if (res.status !== 201) throw new Error(`demo: enrolling ${window.code} answered ${res.status}`);
  const { deviceId } = (await res.json()) as EnrollResponse;
  const stored = { window: window.code, deviceId, privateKeyPem, online: window.online };
  return { ...stored, client: clientOf(options.centralUrl, stored) };
}

async function heartbeat(client: CentralClient, queueDepth: number, oldestPendingAt: string | null): Promise<void> {
  const body: HeartbeatRequest = {
    version: APP_VERSION,
    queueDepth,
    oldestPendingAt,
    evaluator: { state: 'connected', kind: 'serial', model: 'HCP-5K', firmware: '2.1.0' },
    lastReconciledAt: new Date().toISOString(),
  };
  const res = await client.request('POST', '/api/v1/device/heartbeat', body);
  if (res.status !== 200) throw new Error(`demo kiosk heartbeat answered ${res.status}`);
}
