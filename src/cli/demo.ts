/**
 * `hcp demo` (what `npm start` runs): a kiosk on embedded defaults that a new user can drive at once. It provisions
 * the example window on first run, serves the local API, and reads keys 1–5 typed in this terminal as a
 * keyboard-wedge evaluator. Runs in Node.
 */
import { fileURLToPath } from 'node:url';
import type { KioskEvent } from '../shared/kiosk-events.js';
import { KeyboardInput } from '../kiosk/input/keyboard-input.js';
import type { Logger } from '../common/logger.js';
import { readProvisionFile, runKiosk } from '../kiosk/run-kiosk.js';

export const DEMO_PROVISION_FILE = fileURLToPath(new URL('../../examples/provision-window.json', import.meta.url));

export async function runDemo(options: { dataDir: string; port: number; logger: Logger }): Promise<void> {
  const running = await runKiosk({ dataDir: options.dataDir, port: options.port, logger: options.logger });
  const { service, url } = running;
  if (!service.status().enrolment.provisioned) await service.provision(await readProvisionFile(DEMO_PROVISION_FILE));
  const keyboard = new KeyboardInput(() => service.keyMap());
  await service.addInput(keyboard);

  const say = (line: string) => process.stdout.write(`${line}\n`);
  service.subscribe((event) => {
    const line = describe(event);
    if (line) say(line);
  });

  const api = url.replace('http://', '');
  const json = "-H 'content-type: application/json'";
  say(`
HCP demo: kiosk service on ${url} (data: ${options.dataDir})
Staff at window W01: 1001 王丽, PIN 246810 · 1002 李强, PIN 135790

  1. log in:   curl -s -XPOST ${api}/api/v1/shift/login ${json} -d '{"staffNo":"1001","pin":"246810"}'
  2. invite:   curl -s -XPOST ${api}/api/v1/invitations ${json} -d '{"serviceItemCode":"SC-0001"}'
  3. rate:     press a key 1–5 here (1 = 非常满意 … 5 = 非常不满意), within 20 s
  4. status:   curl -s ${api}/api/v1/status

Ctrl-C stops.`);

  const stop = () => {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (chunk: Buffer) => {
    for (const char of chunk.toString('utf8')) {
      if (char === '\u0003' || char === '\u0004') return stop();
      const key = Number(char);
      if (key >= 1 && key <= 5) {
        keyboard.key(key).catch((error: unknown) => say(`the press was not stored: ${(error as Error).message}`));
      }
    }
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
    case 'invitation.done':
    case 'evaluator.key':
      return null;
    case 'invitation.expired':
      return '· no rating in time: recorded as unrated (第八条 default applies at the centre)';
    case 'invitation.cancelled':
      return '· invitation cancelled';
    case 'press.stray':
      return '· a key was pressed with no invitation open: logged as a stray press, not a rating';
    case 'config.changed':
      return '· configuration updated';
  }
}
