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
