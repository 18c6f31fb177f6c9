/**
 * Update policy: updates come from a generic feed whose URL the central system configures, and only a packaged
 * app looks for them (a development run or an unconfigured hall never does). The feed must be https on an origin
 * allowed at installation (`updateOrigins`, pinned by provisioning on the kiosk, never by the central
 * configuration): a configuration rewritten on the way, or a centre taken over, cannot point every kiosk at other
 * code. electron-updater then checks the download's hash and, on Windows, its publisher's signature
 * (electron-builder.yml `win.signtoolOptions.publisherName`). Downloads are installed when the app quits, never in
 * the middle of a rating. Runs in Electron main.
 */
export interface UpdaterLike {
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
}

/** Why a feed is not used (for the log); null when it is. */
export function feedRefusal(feedUrl: string, allowedOrigins: readonly string[]): string | null {
  let u: URL;
  try {
    u = new URL(feedUrl);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'https:') return 'not https';
  if (!allowedOrigins.includes(u.origin)) return `origin ${u.origin} is not among the update origins allowed`;
  return null;
}

export function updatesEnabled(
  isPackaged: boolean,
  feedUrl: string | null | undefined,
  allowedOrigins: readonly string[] = [],
): feedUrl is string {
  if (!isPackaged || !feedUrl) return false;
  return feedRefusal(feedUrl, allowedOrigins) === null;
}

/** Configures the updater and checks once; returns false when the policy says no (a refused feed is logged). */
export async function checkForUpdates(
  updater: UpdaterLike,
  isPackaged: boolean,
  feedUrl: string | null | undefined,
  allowedOrigins: readonly string[] = [],
  log: (message: string) => void = () => undefined,
): Promise<boolean> {
  if (!isPackaged || !feedUrl) return false;
  const refusal = feedRefusal(feedUrl, allowedOrigins);
  if (refusal !== null) {
    log(`update feed ${feedUrl} refused: ${refusal}`);
    return false;
  }
  updater.setFeedURL({ provider: 'generic', url: feedUrl });
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  await updater.checkForUpdates();
  return true;
}
