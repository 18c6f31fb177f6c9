/** The app's version, from package.json (two levels above both src/kiosk and dist/kiosk). Runs in Node. */
import { readFileSync } from 'node:fs';

export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
