/** Debian's Chromium for the browser tests, with the flags this closed network needs; never a downloaded browser. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

/** `args`: more flags, e.g. `--host-resolver-rules` to reach a local server by a hall's host name. */
export function launchChromium(args: string[] = []): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}
