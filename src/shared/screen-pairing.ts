/**
 * How a screen of the browser host proves its role (docs/install.md, "Pairing the screens"). The technician issues
 * a one-time pairing code for a role; the screen redeems it at `POST /ui/pair` and receives a long-lived screen
 * token bound to that one role, which it keeps and presents on every WebSocket to `/ui` as a subprotocol (never in
 * the URL: URLs end up in logs and browser history). The kiosk keeps only the token's SHA-256. Runs everywhere (pure).
 */
import { z } from 'zod';
import { UI_ROLES, type UiRole } from './ui-contract.js';

/** Where a screen redeems its pairing code. */
export const PAIR_PATH = '/ui/pair';
/** The UI channel's WebSocket. */
export const UI_SOCKET_PATH = '/ui';
/** The subprotocol the kiosk answers with: the UI contract, version 1. */
export const UI_WS_PROTOCOL = 'hcp-ui.1';
/** The screen token travels as a second subprotocol, `hcp-token.<token>`. */
export const TOKEN_PROTOCOL_PREFIX = 'hcp-token.';
/**
 * The close code of a socket whose screen is not (or no longer) paired: no token, an unknown one, or a revoked one.
 * The screen forgets its token and shows the pairing screen.
 */
export const SCREEN_UNPAIRED_CLOSE = 4401;

/** A pairing code: eight digits, spaces and dashes allowed (`1234 5678`). */
export const PairingCodeSchema = z
  .string()
  .max(20)
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{8}$/, 'eight digits'));

/** A screen token: 32 random bytes, base64url. */
export const SCREEN_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What a screen sends to redeem a pairing code at PAIR_PATH. */
export const PairRequest = z.strictObject({
  /** The code the technician gave (technician mode's 屏幕配对, or `hcp kiosk pair`). */
  code: PairingCodeSchema,
  /** The role of the page redeeming the code: a code issued for another role is refused, not consumed. */
  role: z.enum(UI_ROLES),
});
export type PairRequest = z.infer<typeof PairRequest>;

/** The kiosk's answer to a redeemed code: the only time the token is ever sent. */
export interface PairResponse {
  /** The screen token (SCREEN_TOKEN_PATTERN): the screen keeps it and presents it on every socket. */
  token: string;
  /** The one role the token is bound to: the screen shows this role's screen, whatever its URL. */
  role: UiRole;
  /** The screen's name, as technician mode lists it. */
  label: string;
}

/**
 * The first message the kiosk sends on a screen's socket, before any result or event: who the token says this
 * screen is. The page shows that role's screen; the role its storage remembered is only a guess until then.
 */
export interface ScreenHello {
  type: 'screen';
  role: UiRole;
  label: string;
}

/** Where a screen of a role lives in the browser host. */
export const ROLE_PATHS = { citizen: '/', staff: '/staff', technician: '/tech' } as const;

/** Each role's screen, in the words technician mode and the command line use for it. */
export const ROLE_LABELS: Record<UiRole, string> = {
  citizen: '市民评价屏',
  staff: '工作人员面板',
  technician: '技术人员模式',
};

/**
 * The role whose screen a page's address names: `/staff` and `/tech` (or, in the Electron shell's file:// pages,
 * the fragments `#/staff` and `#/tech`), else the citizen screen.
 */
export function roleForAddress(pathname: string, hash: string): UiRole {
  const at = (path: string) => pathname.startsWith(path) || hash === `#${path}`;
  if (at(ROLE_PATHS.technician)) return 'technician';
  if (at(ROLE_PATHS.staff)) return 'staff';
  return 'citizen';
}
