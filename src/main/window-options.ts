/**
 * The options every window of the shell is made with. The screens run sandboxed with context isolation and no Node:
 * all they can reach is the preload's two-function bridge. Runs in Electron main.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import type { UiRole } from '../shared/ui-contract.js';

export interface WindowPlan {
  role: UiRole;
  /** The display area the window fills. */
  bounds: Rectangle;
  preload: string;
}

export function windowOptions(plan: WindowPlan): BrowserWindowConstructorOptions {
  const citizen = plan.role === 'citizen';
  return {
    ...plan.bounds,
    show: false,
    backgroundColor: citizen ? '#0d2b45' : '#f4f7fa',
    autoHideMenuBar: true,
    // The citizen screen is the hall's kiosk: full screen, no way out but technician mode.
    kiosk: citizen,
    fullscreen: citizen,
    frame: !citizen,
    webPreferences: {
      preload: plan.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
      navigateOnDragDrop: false,
      // A middle click opens links in new windows without the will-navigate and window-open guards seeing it.
      disableBlinkFeatures: 'Auxclick',
      // The citizen screen speaks its prompts (适老化) with nobody having touched it first.
      autoplayPolicy: citizen ? 'no-user-gesture-required' : 'document-user-activation-required',
      additionalArguments: [`--hcp-role=${plan.role}`],
    },
  };
}

/**
 * Where each screen goes: the citizen screen on the display configured for it (by index, else the primary), the
 * staff panel on another display when there is one.
 */
export function placeWindows(
  displays: { id: number; bounds: Rectangle }[],
  primaryId: number,
  citizenDisplay?: number,
): { citizen: Rectangle; staff: Rectangle } {
  const primary = displays.find((d) => d.id === primaryId) ?? displays[0]!;
  const citizen = (citizenDisplay !== undefined ? displays[citizenDisplay] : undefined) ?? primary;
  const staff = displays.find((d) => d.id !== citizen.id) ?? citizen;
  const staffBounds =
    staff === citizen
      ? {
          x: citizen.bounds.x,
          y: citizen.bounds.y,
          width: Math.min(1024, citizen.bounds.width),
          height: Math.min(720, citizen.bounds.height),
        }
      : staff.bounds;
  return { citizen: citizen.bounds, staff: staffBounds };
}
