/**
 * Wraps the kiosk's secrets (the device's private key, the data key) with the operating system's key store through
 * Electron's safeStorage (async API): on disk they are kept only as the OS-encrypted blob. Runs in Electron main.
 */
import { DATA_KEY_FILE, DEVICE_KEY_FILE, WRAPPED_SUFFIX } from '../shared/kiosk-files.js';

export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export class KeyStoreUnavailableError extends Error {
  override readonly name = 'KeyStoreUnavailableError';
  readonly code = 'key_store_unavailable';
}

export async function wrapSecret(storage: SafeStorageLike, secret: string): Promise<Buffer> {
  if (!(await storage.isAsyncEncryptionAvailable())) {
    throw new KeyStoreUnavailableError('the operating system key store is not available');
  }
  return storage.encryptStringAsync(secret);
}

/** Opens a wrapped secret; `rewrap` is set when the OS rotated its key and the blob should be written again. */
export async function unwrapSecret(
  storage: SafeStorageLike,
  blob: Buffer,
): Promise<{ secret: string; rewrap: Buffer | null }> {
  const { result, shouldReEncrypt } = await storage.decryptStringAsync(blob);
  return { secret: result, rewrap: shouldReEncrypt ? await storage.encryptStringAsync(result) : null };
}

/**
 * The file operations `loadDeviceKey` and `loadDataKey` need (tests give an in-memory set). `write` must be durable
 * (the file and its folder fsynced) before it returns, and so must `remove`.
 */
export interface KeyFiles {
  read(path: string): Buffer | null;
  write(path: string, data: Buffer): void;
  remove(path: string): void;
}

/**
 * The kiosk's device key, kept wrapped by the OS key store: a plain `device-key.pem` (as enrolment writes it) is
 * wrapped into `device-key.pem.os` and removed; a wrapped one is opened (and re-wrapped when the OS rotated its key).
 * Returns the PEM for the kiosk service, or null when the kiosk is not enrolled. Without an OS key store the plain
 * file stays as it is (the service reads it itself) and null is returned with `wrapped: false`.
 */
export async function loadDeviceKey(
  dataDir: string,
  storage: SafeStorageLike,
  files: KeyFiles,
): Promise<{ pem: string | null; wrapped: boolean }> {
  const plain = `${dataDir}/${DEVICE_KEY_FILE}`;
  const wrapped = `${plain}${WRAPPED_SUFFIX}`;
  const pemFile = files.read(plain);
  if (pemFile) {
    if (!(await storage.isAsyncEncryptionAvailable())) return { pem: null, wrapped: false };
    files.write(wrapped, await wrapSecret(storage, pemFile.toString('utf8')));
    files.remove(plain);
    return { pem: pemFile.toString('utf8'), wrapped: true };
  }
  const blob = files.read(wrapped);
  if (!blob) return { pem: null, wrapped: false };
  const { secret, rewrap } = await unwrapSecret(storage, blob);
  if (rewrap) files.write(wrapped, rewrap);
  return { pem: secret, wrapped: true };
}

/** What `loadDataKey` found: the key for the service, or null when the OS key store is not there. */
export interface DataKeyResult {
  /** The data key (base64, as the clear file holds it), for the service; null: the service reads the clear file. */
  key: string | null;
  /** Where the key came from: wrapped already, wrapped now from the clear file, made now, or left in the clear. */
  source: 'wrapped' | 'wrapped-now' | 'created' | 'clear';
}

/**
 * The kiosk's data key (it seals rater identities and callback numbers), kept wrapped by the OS key store like the
 * device key. A clear `data.key` (as the service writes it without the shell) is wrapped into `data.key.os`, which is
 * written and made durable first; only then is the clear file removed, so no crash in between can lose the key.
 * With neither file (a new installation) a key is made here and only its wrapped form is written. Without an OS key
 * store nothing changes and the service keeps reading the clear file. If both files exist and disagree (never by
 * this code), nothing is removed and the wrapped key is used: the clear file is left for a technician to look at.
 */
export async function loadDataKey(
  dataDir: string,
  storage: SafeStorageLike,
  files: KeyFiles,
  makeKey: () => string,
): Promise<DataKeyResult> {
  const clearFile = `${dataDir}/${DATA_KEY_FILE}`;
  const wrappedFile = `${clearFile}${WRAPPED_SUFFIX}`;
  if (!(await storage.isAsyncEncryptionAvailable())) return { key: null, source: 'clear' };
  const clear = files.read(clearFile)?.toString('utf8').trim() ?? null;
  const blob = files.read(wrappedFile);
  if (blob) {
    const { secret, rewrap } = await unwrapSecret(storage, blob);
    if (rewrap) files.write(wrappedFile, rewrap);
    if (clear !== null && clear === secret) files.remove(clearFile); // a start cut short after wrapping it
    return { key: secret, source: 'wrapped' };
  }
  if (clear !== null) {
    files.write(wrappedFile, await wrapSecret(storage, clear));
    files.remove(clearFile);
    return { key: clear, source: 'wrapped-now' };
  }
  const key = makeKey();
  files.write(wrappedFile, await wrapSecret(storage, key));
  return { key, source: 'created' };
}
