/**
 * Update policy: updates come from a generic feed whose URL the central system configures, and only a packaged
 * app looks for them (a development run or an unconfigured hall never does). Downloads are installed when the app
 * quits, never in the middle of a rating. Runs in Electron main.
 */
export interface UpdaterLike {
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
}

export function updatesEnabled(isPackaged: boolean, feedUrl: string | null | undefined): feedUrl is string {
  if (!isPackaged || !feedUrl) return false;
  try {
    const u = new URL(feedUrl);
    return (
      u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'))
    );
  } catch {
    return false;
  }
}

/** Configures the updater and checks once; returns false when the policy says no. */
export async function checkForUpdates(
  updater: UpdaterLike,
  isPackaged: boolean,
  feedUrl: string | null | undefined,
): Promise<boolean> {
  if (!updatesEnabled(isPackaged, feedUrl)) return false;
  updater.setFeedURL({ provider: 'generic', url: feedUrl });
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  await updater.checkForUpdates();
  return true;
}
