/**
 * Wraps the kiosk's secrets (the device's private key, the data key) with the operating system's key store through
 * Electron's safeStorage (async API): on disk they are kept only as the OS-encrypted blob. Runs in Electron main.
 */
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

/** The file operations `loadDeviceKey` needs (tests give an in-memory set). */
export interface KeyFiles {
  read(path: string): Buffer | null;
  write(path: string, data: Buffer): void;
  remove(path: string): void;
}

export const DEVICE_KEY = 'device-key.pem';
export const WRAPPED_SUFFIX = '.os';

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
  const plain = `${dataDir}/${DEVICE_KEY}`;
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
