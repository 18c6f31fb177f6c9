/**
 * What is pinned on the kiosk itself, at installation or provisioning, and never taken from the central
 * configuration it protects: the centre's public key (configurations must be signed with it) and the https origins
 * the Electron app may take updates from. Set from a provision file (`centralPublicKey`, `updateOrigins`) or
 * `hcp kiosk provision --central-key … --update-origin …`. Runs in Node.
 */
import { transact, type KioskContext } from '../context.js';
import { centralKey } from './config-signature.js';

export class LocalPinError extends Error {
  override readonly name = 'LocalPinError';
  readonly code = 'invalid_pin';
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

/** Stores what is given (a key is checked to be an Ed25519 public key; origins must be https). */
export function applyLocalPins(ctx: KioskContext, pins: { centralPublicKey?: string; updateOrigins?: string[] }): void {
  if (pins.centralPublicKey !== undefined) {
    try {
      centralKey(pins.centralPublicKey);
    } catch (error) {
      throw new LocalPinError((error as Error).message);
    }
  }
  const origins = pins.updateOrigins?.map(updateOrigin);
  transact(ctx, () => {
    if (pins.centralPublicKey !== undefined) ctx.settings.set('centralPublicKey', pins.centralPublicKey);
    if (origins !== undefined) ctx.settings.set('updateOrigins', [...new Set(origins)]);
  });
}
