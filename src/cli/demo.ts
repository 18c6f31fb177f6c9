/**
 * `hcp demo` (what `npm start` runs): the whole product on one machine, on embedded defaults. A central system on
 * its embedded PostgreSQL (in .data/demo/central/pg) with demo data — a department, two windows, staff with printed
 * PINs, service items — a kiosk enrolled with it, and a simulated five-key evaluator on an in-memory line that keys
 * 1–5 in this terminal press. It prints the citizen, staff and technician URLs and opens them in Chromium's app mode when there is a
 * display and a Chromium. Ctrl-C stops everything. Runs in Node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { runCentral } from '../central/run-central.js';
import { EvaluatorSimulator } from '../hardware/evaluator-simulator.js';
import { memoryLine } from '../hardware/memory-transport.js';
import { runKiosk } from '../kiosk/run-kiosk.js';
import { hashPin } from '../common/pin-hash.js';
import { createAccount } from '../central/accounts/accounts.js';
import type { CentralDb } from '../central/db/database.js';
import { DEMO_CASE_ACCOUNTS, DEMO_CASE_PASSWORD, playDemoCases, playDemoSuggestions } from './demo-cases.js';
import { DEMO_CATALOGUE, DEMO_STAFF_PINS, DemoHall } from './demo-data.js';
import { enrollKiosk } from '../kiosk/sync/enroll.js';
import { KioskService } from '../kiosk/kiosk-service.js';
import type { KioskEvent } from '../shared/kiosk-events.js';
import { ROLE_LABELS, ROLE_PATHS } from '../shared/screen-pairing.js';
import { PAIRING_CODE_TTL_MS } from '../kiosk/screen-pairing.js';
import type { UiRole } from '../shared/ui-contract.js';

export const DEMO_ADMIN_PIN = '123456';

/** The demo's console account (an admin): the demo opens the console signed in; after a logout, log in with this. */
export const DEMO_CONSOLE_ACCOUNT = { username: 'demo', password: 'HcpDemo-2026' } as const;

export interface DemoOptions {
  dataDir: string;
  port: number;
  centralPort: number;
  logger: Logger;
  /** Open the screens in Chromium when possible (off in tests). */
  openBrowser?: boolean;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const central = await runCentral({
    dataDir: join(options.dataDir, 'central'),
    port: options.centralPort,
    logger: options.logger,
  });
  const admin = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    fetch(`${central.url}/api/v1/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${central.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  let hall: DemoHall;
  try {
    // Seeding is idempotent: a second run finds everything there (409) and goes on.
    for (const [path, body] of DEMO_CATALOGUE) await admin('POST', path, body);
    hall = await DemoHall.open({
      dir: join(options.dataDir, 'central'),
      centralUrl: central.url,
      admin,
      db: central.db,
    });
    await playDemoCases({ centralUrl: central.url, db: central.db });
    await playDemoSuggestions({ centralUrl: central.url, db: central.db });
  } catch (error) {
    // A demo that cannot seed its hall stops its centre (and the embedded PostgreSQL) instead of hanging on.
    await central.stop();
    throw error;
  }
  hall.keepOnline();
  const consolePage = `${central.url}/console/#ticket=${central.signInTickets.issue(await demoConsoleAccount(central.db))}`;

  const kioskDir = join(options.dataDir, 'kiosk');
  const setup = KioskService.open({ dataDir: kioskDir });
  try {
    const enrolment = setup.enrolment();
    if (!enrolment || enrolment.centralUrl !== new URL(central.url).origin) {
      const res = await admin('POST', '/enrollments', { mode: 'window', windowCode: 'W01', name: '1号窗口 演示终端' });
      const { code } = (await res.json()) as { code: string };
      await enrollKiosk(setup, kioskDir, central.url, code);
    }
    if (!setup.adminPinHash()) setup.setAdminPinHash(await hashPin(DEMO_ADMIN_PIN));
  } finally {
    await setup.close();
  }

  // With an Electron binary and a display, the product's own shell runs the kiosk (its utility process) and its
  // screens. (No Electron binary can be downloaded on the project's build machines, so this path runs only on a
  // developer's desktop; everything below is what `npm start` does elsewhere.)
  const electron = options.openBrowser === false ? null : electronShell();
  if (electron) {
    say(`HCP demo: central system on ${central.url}; the Electron shell runs the kiosk (data: ${kioskDir}).`);
    say(`Centre console (signed in as the demo admin): ${consolePage}`);
    say(
      `Staff 1001 王丽 PIN ${DEMO_STAFF_PINS['1001']} · technician mode: Ctrl+Alt+Shift+T, admin PIN ${DEMO_ADMIN_PIN}. Ctrl-C stops.`,
    );
    const shell = spawn(electron.binary, [electron.main], {
      stdio: 'inherit',
      env: { ...process.env, HCP_DATA: kioskDir },
    });
    const stopAll = () => {
      shell.kill();
      void central.stop().then(() => process.exit(0));
    };
    shell.once('exit', stopAll);
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
    return;
  }

  // The simulated evaluator, on an in-memory line: the real protocol and driver, no hardware.
  const line = memoryLine();
  const evaluator = new EvaluatorSimulator({ open: async () => line.device });
  const running = await runKiosk({
    dataDir: kioskDir,
    port: options.port,
    logger: options.logger,
    evaluatorLine: async () => line.host,
  });
  await evaluator.start();
  evaluator.on('prompt', (p) => say(`  评价器  PROMPT: keys lit for ${p.seconds} s「请对本次服务做出评价」`));
  evaluator.on('thanks', () => say('  评价器  THANKS「谢谢您的评价」'));
  evaluator.on('display', (text) => say(`  评价器  DISPLAY ${text}`));
  running.service.subscribe((event) => {
    const text = describe(event);
    if (text) say(text);
  });

  const url = running.url;
  // The demo owns this kiosk, like a technician who has paired its screens: each page opens with a one-time
  // pairing code in its fragment (docs/install.md, "Pairing the screens"), valid PAIRING_CODE_TTL_MS.
  const page = (role: UiRole) => {
    const { code } = running.pairing!.issue(role, `演示 ${ROLE_LABELS[role]}`);
    return `${url}${ROLE_PATHS[role]}#pair=${code}`;
  };
  const pages = { citizen: page('citizen'), staff: page('staff'), technician: page('technician') };
  say(`
HCP demo: kiosk service on ${url} · central system on ${central.url} (data: ${options.dataDir})

  citizen screen   ${pages.citizen}
  staff panel      ${pages.staff.padEnd(pages.citizen.length + 12)}staff 1001 王丽 PIN ${DEMO_STAFF_PINS['1001']} · 1002 李强 PIN ${DEMO_STAFF_PINS['1002']}
  technician mode  ${pages.technician.padEnd(pages.citizen.length + 12)}admin PIN ${DEMO_ADMIN_PIN}
  (each link pairs one screen, once, within ${PAIRING_CODE_TTL_MS / 60_000} minutes; later: node bin/hcp.js kiosk pair --data ${kioskDir} --role …)
  centre console   ${consolePage}
                   signed in as the demo admin (the link works once, for 2 minutes); later: ${central.url}/console/
                   account ${DEMO_CONSOLE_ACCOUNT.username}, password ${DEMO_CONSOLE_ACCOUNT.password} · ${hall.size.online + 1} kiosks online, ${hall.size.offline} offline
                   差评工单: ${DEMO_CASE_ACCOUNTS.supervisor.username} (督办) and ${DEMO_CASE_ACCOUNTS.handler.username} (承办), password ${DEMO_CASE_PASSWORD}

Log in on the staff panel, press 请评价, then rate on the citizen screen — or press 1–5 here: the simulated
evaluator's keys (1 = 非常满意 … 5 = 非常不满意). Ctrl-C stops everything.`);

  const browsers =
    options.openBrowser === false
      ? []
      : openScreens(
          [
            { page: pages.citizen, profile: join(options.dataDir, 'browser', 'citizen') },
            { page: pages.staff, profile: join(options.dataDir, 'browser', 'staff') },
            { page: consolePage, profile: join(options.dataDir, 'browser', 'console') },
          ],
          say,
        );
  const stop = () => {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    for (const b of browsers) b.kill();
    hall.stop();
    void (async () => {
      await evaluator.stop().catch(() => undefined);
      await running.stop();
      await central.stop();
      process.exit(0);
    })();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (chunk: Buffer) => {
    for (const char of chunk.toString('utf8')) {
      if (char === '\u0003' || char === '\u0004') return stop();
      const key = Number(char);
      if (key >= 1 && key <= 5)
        void evaluator.press(key).then((r) => r.acked || say(`  评价器  KEY ${key} not acknowledged`));
    }
  });
}

/** The demo's console account, made once with a password it knows (so no change is forced): its id. */
async function demoConsoleAccount(db: CentralDb): Promise<string> {
  const [existing] = await db.query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', [
    DEMO_CONSOLE_ACCOUNT.username,
  ]);
  if (existing) return existing.id;
  const account = await createAccount(
    db,
    { username: DEMO_CONSOLE_ACCOUNT.username, displayName: '演示管理员', role: 'admin', departments: [] },
    DEMO_CONSOLE_ACCOUNT.password,
  );
  await db.query('UPDATE accounts SET must_change_password = false WHERE id = $1', [account.id]);
  return account.id;
}

const hasDisplay = () => process.platform !== 'linux' || Boolean(process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY);

/** The Electron binary and the built shell (npm run build:electron), when both are there and can be shown. */
function electronShell(): { binary: string; main: string } | null {
  const binary = ['node_modules/electron/dist/electron', 'node_modules/electron/dist/electron.exe'].find((p) =>
    existsSync(p),
  );
  const main = 'dist/main/main.js';
  return binary && existsSync(main) && hasDisplay() ? { binary, main } : null;
}

/**
 * Chromium in app mode for the citizen screen and the staff panel, when there is a display to show them on. Each
 * screen gets a browser profile of its own (`--user-data-dir`): a profile holds one screen token, so the staff
 * panel's window cannot hold the citizen screen's token too.
 */
function openScreens(screens: { page: string; profile: string }[], say: (line: string) => void): ChildProcess[] {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
    existsSync(p),
  );
  if (!chromium || !hasDisplay()) return [];
  say(`(opening the screens in ${chromium})`);
  return screens.map(({ page, profile }) => {
    mkdirSync(profile, { recursive: true, mode: 0o700 });
    return spawn(
      chromium,
      [
        `--app=${page}`,
        `--user-data-dir=${profile}`,
        '--no-first-run',
        '--disable-background-networking',
        '--disable-sync',
      ],
      { stdio: 'ignore' },
    );
  });
}

function describe(event: KioskEvent): string | null {
  switch (event.type) {
    case 'shift.started':
      return `· ${event.shift.name} (${event.shift.staffNo}) logged in`;
    case 'shift.paused':
      return `· 暂停服务: ${event.shift.pauseReason}`;
    case 'shift.resumed':
      return '· service resumed';
    case 'shift.ended':
      return `· logged out: ${event.summary.rated} rated, ${event.summary.unrated} unrated, ${event.summary.cancelled} cancelled`;
    case 'invitation.opened':
      return `· 请对本次服务做出评价: press 1–5 within ${event.invitation.seconds} s`;
    case 'invitation.rated':
      return event.followUpUntil ? '· 谢谢您的评价 (差评: the rater may add reasons on the screen)' : '· 谢谢您的评价';
    case 'invitation.expired':
      return '· no rating in time: recorded as unrated (第八条 default applies at the centre)';
    case 'invitation.cancelled':
      return '· invitation cancelled';
    case 'press.stray':
      return '· a key was pressed with no invitation open: logged as a stray press, not a rating';
    case 'config.changed':
      return '· configuration updated';
    case 'invitation.done':
    case 'evaluator.key':
    case 'keytest.ended':
      return null;
  }
}
