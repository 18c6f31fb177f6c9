/**
 * Integration (a real kiosk service, the simulated five-key evaluator on an in-memory line driving the real driver,
 * the real local API, the real UI channel of each role, a real file logger at its most verbose): rates all five
 * levels, a 差评's follow-up included, then searches every surface the counter can reach — every GET route of the
 * local API, the events each screen is told, the technician's export, the log file, the counts — for anything that
 * maps back to a single rating: its key, its level, or a difference between one level and another.
 *
 * The citizen screen is told one thing more than the others, by design: `followUpUntil` after a 差评, since it
 * must show the follow-up to the rater in front of it. It is never told the level or the key either.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootLogger, type Logger } from '../common/logger.js';
import { EvaluatorSimulator } from '../hardware/evaluator-simulator.js';
import { encodeFrame, FrameType } from '../hardware/frame-codec.js';
import { memoryLine } from '../hardware/memory-transport.js';
import { TEST_KEY_SENDS } from '../hardware/test-support/evaluator-line.js';
import { DEFAULT_KEY_MAP } from '../shared/key-map.js';
import type { KioskEvent } from '../shared/kiosk-events.js';
import { LOCAL_API_PREFIX, type StatusView } from '../shared/local-api.js';
import { isBadRating, SATISFACTION_LABELS, SATISFACTION_LEVELS, type Satisfaction } from '../shared/satisfaction.js';
import type { UiMessage, UiRole } from '../shared/ui-contract.js';
import { buildLocalApi } from './api/local-api.js';
import { serveUiChannel } from './host/ui-channel.js';
import { ScreenInput } from './input/screen-input.js';
import { SerialInput } from './input/serial-input.js';
import { KioskService } from './kiosk-service.js';
import type { TechnicianService } from './technician.js';
import { PIN_1001, technicianFor, tempDir, windowConfig } from './test-support/fixtures.js';
import { waitFor } from '../common/test-support/wait-for.js';

interface Rating {
  level: Satisfaction;
  key: number;
  invitationId: string;
  followUpId: string | null;
  /** The KEY frame as it went over the line. */
  frame: Buffer;
  /** What the counts moved by, from before the invitation to after the rating (and its follow-up). */
  countsMoved: unknown;
  /** What each screen was told meanwhile, with ids and times made alike. */
  told: Record<UiRole, unknown[]>;
}

const ROLES: UiRole[] = ['citizen', 'staff', 'technician'];
let dir: ReturnType<typeof tempDir>;
let logFile: string;
let logger: Logger;
let service: KioskService;
let tech: TechnicianService;
let api: FastifyInstance;
let sim: EvaluatorSimulator;
const events: Record<UiRole, KioskEvent[]> = { citizen: [], staff: [], technician: [] };
const stops: (() => void)[] = [];
const ratings: Rating[] = [];
let logoutSummary: unknown;

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await api.inject({ method: 'GET', url: path });
  return { status: res.statusCode, text: res.body };
}

/** Every count the counter can read: the status (HTTP and service), the technician's export and status. */
async function counts() {
  const status = JSON.parse((await get(`${LOCAL_API_PREFIX}/status`)).text) as StatusView;
  const exported = tech.diagnostics();
  return {
    queue: status.queue.pending,
    quarantined: status.queue.quarantined,
    waiting: status.queue.oldestPendingAt !== null,
    exportQueue: exported.sync.queue.pending,
    exportQuarantined: exported.sync.quarantined.length,
    frames: exported.evaluator.frames?.length,
  };
}

/** Ids, times and other per-rating values made alike, so that what is left can be compared across levels. */
function alike(value: unknown, ids: string[]): unknown {
  let text = JSON.stringify(value);
  for (const id of ids) text = text.split(id).join('<id>');
  text = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');
  return JSON.parse(text) as unknown;
}

/** The GET routes of the local API, as Fastify has them; `:id` filled with each invitation's id. */
function getRoutes(app: FastifyInstance): string[] {
  return app
    .printRoutes({ commonPrefix: false, method: 'GET' })
    .split('\n')
    .map((line) => /(\/\S*)/.exec(line)?.[1])
    .filter((route): route is string => route !== undefined);
}

beforeAll(async () => {
  dir = tempDir('hcp-privacy-');
  logFile = join(dir.path, 'kiosk.log');
  // Every level the kiosk can log at is written: nothing at any level may name a rating.
  logger = createRootLogger({ level: 'trace', destination: logFile });
  service = KioskService.open({ dataDir: dir.path, logger });
  await service.provision(windowConfig());
  const screen = new ScreenInput();
  await service.addInput(screen);
  const line = memoryLine();
  sim = new EvaluatorSimulator({ open: async () => line.device, keySends: TEST_KEY_SENDS });
  await sim.start();
  await service.addInput(
    new SerialInput({
      open: async () => line.host,
      keyMap: () => service.keyMap(),
      view: () => service.deviceView(),
      log: logger.child({ module: 'evaluator' }),
    }),
  );
  tech = technicianFor(service, dir.path);
  api = buildLocalApi({ service, logger });
  await api.ready();
  for (const role of ROLES) {
    const transport = {
      send: (message: UiMessage) => {
        if (message.type === 'event') events[role].push(message.event);
      },
      onMessage: () => () => undefined,
    };
    stops.push(
      serveUiChannel(transport, { service, screen, tech }, role, logger.child({ module: 'ui-channel', role })),
    );
  }
  await waitFor('the evaluator to connect', () => service.evaluatorStatus().state === 'connected');
  await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });

  for (const level of SATISFACTION_LEVELS) {
    const key = DEFAULT_KEY_MAP.indexOf(level) + 1;
    const before = await counts();
    const mark = Object.fromEntries(ROLES.map((r) => [r, events[r].length])) as Record<UiRole, number>;
    const prompted = new Promise((r) => sim.once('prompt', r));
    const opened = await api.inject({ method: 'POST', url: `${LOCAL_API_PREFIX}/invitations`, payload: {} });
    expect(opened.statusCode).toBe(201);
    const invitationId = opened.json<{ id: string }>().id;
    await prompted;
    const press = await sim.press(key);
    expect(press.acked).toBe(true);
    await waitFor('the rating', () => service.invitations.get(invitationId).state === 'rated');
    // The rater's follow-up after a 差评, as the citizen screen sends it.
    const followUpId = isBadRating(level)
      ? service.invitations.followUp({ invitationId, reasonTags: ['attitude'], comment: '窗口人员态度差' }).id
      : null;
    const after = await counts();
    const moved = Object.fromEntries(
      Object.entries(after).map(([k, v]) => [
        k,
        typeof v === 'number' ? v - (before[k as keyof typeof before] as number) : v,
      ]),
    );
    const ids = [invitationId, ...(followUpId ? [followUpId] : [])];
    ratings.push({
      level,
      key,
      invitationId,
      followUpId,
      frame: encodeFrame({ type: FrameType.KEY, seq: press.seq, payload: Buffer.from([key]) }),
      countsMoved: moved,
      told: Object.fromEntries(ROLES.map((r) => [r, alike(events[r].slice(mark[r]), ids)])) as Record<
        UiRole,
        unknown[]
      >,
    });
  }
  const logout = await api.inject({ method: 'POST', url: `${LOCAL_API_PREFIX}/shift/logout`, payload: {} });
  expect(logout.statusCode).toBe(200);
  logoutSummary = logout.json();
});

afterAll(async () => {
  for (const stop of stops) stop();
  await api?.close();
  await service?.close();
  await sim?.stop().catch(() => undefined);
  dir?.remove();
});

/** Everything the counter can reach after the five ratings, each surface by name. */
async function surfaces(): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const route of getRoutes(api)) {
    const paths = route.includes(':id') ? ratings.map((r) => route.replace(':id', r.invitationId)) : [route];
    for (const path of paths) found[`GET ${path}`] = (await get(path)).text;
  }
  found['export'] = JSON.stringify(tech.diagnostics());
  found['technician status'] = JSON.stringify(tech.status());
  found['screen view'] = JSON.stringify(service.screenView());
  found['logout summary'] = JSON.stringify(logoutSummary);
  for (const role of ROLES) found[`${role} events`] = JSON.stringify(events[role]);
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  const log = await waitFor('the log file', () => {
    try {
      const text = readFileSync(logFile, 'utf8');
      return text.includes('kiosk') ? text : undefined;
    } catch {
      return undefined;
    }
  });
  // pino's own `level` (the log level) is not a rating's: dropped before the search.
  found['log file'] = log
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const { level: _logLevel, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .join('\n');
  return found;
}

describe('nothing the counter can reach maps back to a single rating (five levels rated)', () => {
  it('covers the surfaces it claims to: the GET routes, the frame log with KEY frames, the log file', async () => {
    const found = await surfaces();
    expect(getRoutes(api)).toEqual(
      expect.arrayContaining([`${LOCAL_API_PREFIX}/status`, `${LOCAL_API_PREFIX}/diagnostics/evaluator`]),
    );
    expect(found[`GET ${LOCAL_API_PREFIX}/diagnostics/evaluator`]).toContain('"type":"KEY"');
    expect(found['log file']).toContain('evaluator state');
    expect(ratings.map((r) => r.level)).toEqual([5, 4, 3, 2, 1]);
  });

  it("holds no KEY frame's key: not its bytes, not its payload and CRC (frame log, export, logs, events)", async () => {
    const found = await surfaces();
    for (const { frame, key } of ratings) {
      for (const [surface, text] of Object.entries(found)) {
        // LEN, KEY and CRC together: eight hex digits no other value here is likely to hold.
        expect(text, `${surface} names key ${key}`).not.toContain(frame.subarray(5).toString('hex'));
        expect(text, `${surface} holds the KEY frame`).not.toContain(frame.toString('hex'));
      }
      const frames = JSON.parse(found[`GET ${LOCAL_API_PREFIX}/diagnostics/evaluator`]!) as {
        frames: { type: string; hex: string }[];
      };
      const logged = frames.frames.filter((f) => f.type === 'KEY');
      expect(logged.map((f) => f.hex)).toContain(`${frame.subarray(0, 6).toString('hex')}••••••`);
      // The CRC alone, beside the SEQ, would name the key among five.
      for (const f of frames.frames) expect(f.hex).not.toContain(frame.subarray(6).toString('hex'));
    }
  });

  it('holds no level: no satisfaction, level, key or follow-up field, no level name, no follow-up id', async () => {
    const found = await surfaces();
    for (const [surface, text] of Object.entries(found)) {
      expect(text, surface).not.toMatch(/"(satisfaction|level|key|localKeyMap|callbackPhone|comment)"/);
      for (const level of SATISFACTION_LEVELS) {
        const label = SATISFACTION_LABELS[level].zh;
        // 满意 is inside the other names; each name is searched whole, not as a part of a longer one.
        expect(
          text.replace(/非常满意|基本满意|非常不满意|不满意/g, (m) => (m === label ? m : '')),
          surface,
        ).not.toMatch(new RegExp(`(?<![非本不])${label}`));
      }
      expect(text, surface).not.toContain('窗口人员态度差');
      for (const r of ratings) if (r.followUpId) expect(text, `${surface} dates a 差评`).not.toContain(r.followUpId);
      if (surface !== 'citizen events') expect(text, surface).not.toContain('followUpUntil');
    }
  });

  it('moves every count the counter reads by the same for each level: a 差评 and its follow-up count as one', () => {
    const [first, ...rest] = ratings;
    for (const r of rest) expect(r.countsMoved, `after a ${r.level}`).toEqual(first!.countsMoved);
    expect(first!.countsMoved).toMatchObject({ queue: 1 });
  });

  it('tells the staff panel and technician mode the same for each level, at the same steps', () => {
    const [first, ...rest] = ratings;
    for (const role of ['staff', 'technician'] as const) {
      expect(first!.told[role].length).toBeGreaterThan(0);
      for (const r of rest) expect(r.told[role], `${role} after a ${r.level}`).toEqual(first!.told[role]);
    }
  });

  it('answers GET /invitations/:id alike for each level, and the log names each rating alike', async () => {
    const found = await surfaces();
    const answers = ratings.map((r) =>
      alike(JSON.parse(found[`GET ${LOCAL_API_PREFIX}/invitations/${r.invitationId}`]!), [r.invitationId]),
    );
    for (const a of answers) expect(a).toEqual(answers[0]);
    const mentions = ratings.map((r) => found['log file']!.split(r.invitationId).length - 1);
    for (const m of mentions) expect(m).toBe(mentions[0]);
    const lines = found['log file']!.split('\n').length;
    expect(lines).toBeGreaterThan(0);
  });

  it('tells the citizen screen, which faces the rater, only that a follow-up is open after a 差评', () => {
    for (const r of ratings) {
      const rated = r.told.citizen.find((e) => (e as { type: string }).type === 'invitation.rated') as {
        followUpUntil: string | null;
      };
      expect(rated.followUpUntil !== null, `after a ${r.level}`).toBe(isBadRating(r.level));
    }
  });
});
