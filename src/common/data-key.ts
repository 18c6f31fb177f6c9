/**
 * The device data key: 32 random bytes that seal personal data (第五条: rater identity, callback numbers) with
 * AES-256-GCM before it touches the database. It lives in its own file beside the database, mode 0600, so a copy
 * of the database alone reveals nobody. Under the Electron shell the key is kept wrapped by the OS key store
 * (`data.key.os`, src/main/key-store.ts) and handed to the service unwrapped (`Sealer.fromBase64`); the clear file
 * is then gone. Runs in Node.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DATA_KEY_FILE, WRAPPED_SUFFIX } from '../shared/kiosk-files.js';

export { DATA_KEY_FILE, WRAPPED_SUFFIX };

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

export class DataKeyError extends Error {
  override readonly name = 'DataKeyError';
  readonly code = 'data_key_invalid';
}

export class Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new DataKeyError('the device data key must be 32 bytes');
  }

  /** From the key as the Electron shell unwrapped it from the OS key store (base64, as the file holds it). */
  static fromBase64(text: string): Sealer {
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== 32) throw new DataKeyError('the data key handed over is not a 32-byte base64 key');
    return new Sealer(key);
  }

  /**
   * Loads the key at `file`, creating it (mode 0600) on first use. Refuses to make a new one beside a key the OS
   * key store wraps (`<file>.os`): that one seals the data already, and a second key would make it unreadable.
   */
  static fromFile(file: string): Sealer {
    if (!existsSync(file)) {
      if (existsSync(`${file}${WRAPPED_SUFFIX}`)) {
        throw new DataKeyError(
          `the data key is kept by the operating system's key store (${file}${WRAPPED_SUFFIX}): ` +
            'start the kiosk app, or give this command the key it unwraps',
        );
      }
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new DataKeyError(`${file} does not hold a 32-byte base64 key`);
    return new Sealer(key);
  }

  /** Encrypts `value` (as JSON). `context` (a record id) is bound as associated data: a blob moved to another record fails to open. */
  seal(value: unknown, context: string): Buffer {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open<T>(blob: Buffer, context: string): T {
    if (blob[0] !== VERSION) throw new DataKeyError('unknown sealed-data version');
    const decipher = createDecipheriv('aes-256-gcm', this.key, blob.subarray(1, 1 + NONCE));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(blob.subarray(1 + NONCE, 1 + NONCE + TAG));
    const text = Buffer.concat([decipher.update(blob.subarray(1 + NONCE + TAG)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  }
}
