/**
 * A temporary folder for one test, removed by `remove()`. Others may enter it (0711, not list it): as root, the
 * embedded PostgreSQL of a central system inside it runs as the `postgres` user, which must reach its folder.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'hcp-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(path, 0o711);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
