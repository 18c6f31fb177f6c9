/**
 * What is pinned on the kiosk itself, at installation or provisioning, and never taken from the central
 * configuration it protects: the centre's public key (configurations must be signed with it) and the https origins
 * the Electron app may take updates from. Set from a provision file (`centralPublicKey`, `updateOrigins`) or
 * `hcp kiosk provision --central-key … --update-origin …`. A pinned centre key is never swapped silently: a
 * different key is refused (`central_key_mismatch`) unless the command line says `--replace-central-key`; a provision
 * file (technician mode's, or the CLI's) can pin a first key or repeat the pinned one, never replace it. Runs in Node.
 */
import { keyFingerprint } from '../../common/key-fingerprint.js';
import { transact, type KioskContext } from '../context.js';
import { centralKey } from './config-signature.js';

export class LocalPinError extends Error {
  override readonly name = 'LocalPinError';
  constructor(
    message: string,
    readonly code: 'invalid_pin' | 'central_key_mismatch' = 'invalid_pin',
  ) {
    super(message);
  }
}

/** What may be pinned. */
export interface LocalPins {
  centralPublicKey?: string;
  updateOrigins?: string[];
}

/** How: only `hcp kiosk provision --central-key … --replace-central-key` sets `replaceCentralKey`. */
export interface LocalPinOptions {
  replaceCentralKey?: boolean;
}

/** The origin of an https URL; anything else is refused. */
export function updateOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LocalPinError(`${url} is not a URL`);
  }
  if (parsed.protocol !== 'https:') throw new LocalPinError(`${url}: updates come over https only`);
  return parsed.origin;
}

/**
 * Checks what would be pinned, writing nothing: a key must be an Ed25519 public key and, when one is pinned already
 * and differs, `replaceCentralKey` must be set; origins must be https. Returns the origins, deduplicated. A caller
 * that provisions too checks first, so that a refused pin leaves the configuration as it was.
 */
export function checkLocalPins(
  ctx: KioskContext,
  pins: LocalPins,
  options: LocalPinOptions = {},
): string[] | undefined {
  if (pins.centralPublicKey !== undefined) {
    try {
      centralKey(pins.centralPublicKey);
    } catch (error) {
      throw new LocalPinError((error as Error).message);
    }
    const pinned = ctx.settings.get('centralPublicKey');
    if (pinned && pinned !== pins.centralPublicKey && options.replaceCentralKey !== true) {
      throw new LocalPinError(
        `this kiosk already pins the central key ${keyFingerprint(pinned)}; the key given is ${keyFingerprint(pins.centralPublicKey)}. ` +
          'A pinned key is replaced only from the command line: hcp kiosk provision --central-key <key> --replace-central-key',
        'central_key_mismatch',
      );
    }
  }
  return pins.updateOrigins && [...new Set(pins.updateOrigins.map(updateOrigin))];
}

/** Stores what is given, once `checkLocalPins` accepts it. */
export function applyLocalPins(ctx: KioskContext, pins: LocalPins, options: LocalPinOptions = {}): void {
  const origins = checkLocalPins(ctx, pins, options);
  const previous = ctx.settings.get('centralPublicKey');
  transact(ctx, () => {
    if (pins.centralPublicKey !== undefined) ctx.settings.set('centralPublicKey', pins.centralPublicKey);
    if (origins !== undefined) ctx.settings.set('updateOrigins', origins);
  });
  if (previous && pins.centralPublicKey !== undefined && previous !== pins.centralPublicKey) {
    ctx.log.warn(
      { code: 'central_key_replaced', from: keyFingerprint(previous), to: keyFingerprint(pins.centralPublicKey) },
      'CENTRAL KEY REPLACED (--replace-central-key): configurations must now be signed by the new key',
    );
  }
}
