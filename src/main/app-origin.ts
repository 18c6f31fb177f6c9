/**
 * The screens' own origin, `app://hcp`, and the test of whether a URL is on it. The packaged app gives file:// pages
 * no extra privileges (the `grantFileProtocolExtraPrivileges` fuse is off), and Chromium refuses a
 * `<script type="module" crossorigin>` from file:// (its origin is opaque), so the screens are served from a
 * privileged custom scheme (app-protocol.ts). Runs in Electron main.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hcp';
/** The origin every screen is loaded from. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The URL of a screen: the one page, with the role's route in the fragment. */
export function screenUrl(route: string): string {
  return `${APP_ORIGIN}/index.html${route ? `#${route}` : ''}`;
}

/** True when `url` is one of the app's own pages, on its own origin (no other scheme, host, port or credentials). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
