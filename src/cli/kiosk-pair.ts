/**
 * `hcp kiosk pair --role <role>`: a one-time pairing code for a screen of the browser host, printed on the kiosk
 * PC's own command line. It is how the first technician screen of a fresh kiosk gets in (afterwards, technician
 * mode issues codes itself): whoever can run it can already read and write the kiosk's data folder, so it grants
 * nothing new. Runs in Node.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { openDatabase } from '../kiosk/store/database.js';
import { PAIRING_CODE_TTL_MS, ScreenPairings } from '../kiosk/screen-pairing.js';
import { ROLE_LABELS, ROLE_PATHS } from '../shared/screen-pairing.js';
import { ScreenLabelSchema, UI_ROLES, type UiRole } from '../shared/ui-contract.js';

/** The screen's name in this command's own (English) words; its default label is technician mode's ROLE_LABELS. */
const ROLE_NAMES: Record<UiRole, string> = {
  citizen: 'citizen screen',
  staff: 'staff panel',
  technician: 'technician mode',
};

export function kioskPairCommand(defaultDataDir: () => string): Command {
  return new Command('pair')
    .description(
      `print a one-time code that pairs one screen of the browser host (valid ${PAIRING_CODE_TTL_MS / 60_000} minutes, once)`,
    )
    .addOption(new Option('--role <role>', 'the screen to pair').choices(UI_ROLES).default('technician'))
    .option('--label <text>', 'a name for the screen, shown in technician mode')
    .option('--data <dir>', 'data folder', defaultDataDir())
    .option('--url <url>', 'the kiosk as the screen reaches it', 'http://127.0.0.1:8710')
    .action((options: { role: UiRole; label?: string; data: string; url: string }) => {
      const label = ScreenLabelSchema.parse(options.label ?? `${ROLE_LABELS[options.role]}（命令行配对）`);
      // The kiosk service may be running: SQLite's busy timeout lets both write (WAL).
      mkdirSync(options.data, { recursive: true, mode: 0o700 });
      const db = openDatabase(join(options.data, 'kiosk.db'));
      try {
        const issued = new ScreenPairings({ db }).issue(options.role, label);
        const page = new URL(ROLE_PATHS[options.role], options.url);
        page.hash = `pair=${issued.code}`;
        process.stdout.write(
          `pairing code for a ${ROLE_NAMES[options.role]}: ${issued.code.slice(0, 4)} ${issued.code.slice(4)}\n` +
            `valid once, until ${issued.expiresAt}. Enter it on that screen, or open ${page.href} there.\n`,
        );
      } finally {
        db.close();
      }
    });
}
