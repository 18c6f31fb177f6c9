/** The data key's file rules: made once in the clear without the shell, never made again beside a wrapped one. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataKeyError, Sealer } from './data-key.js';
import { tempDir } from './test-support/temp-dir.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('the data key', () => {
  it('refuses to make a new key in the clear beside one the OS key store wraps (it would orphan the sealed data)', () => {
    writeFileSync(join(dir.path, 'data.key.os'), 'wrapped');
    expect(() => Sealer.fromFile(join(dir.path, 'data.key'))).toThrow(DataKeyError);
    expect(existsSync(join(dir.path, 'data.key'))).toBe(false);
  });

  it('opens under the key the shell hands over what was sealed under the same key read from its file', () => {
    const file = join(dir.path, 'data.key');
    const sealed = Sealer.fromFile(file).seal({ phone: '13800000000' }, 'rec-1');
    const key = (Sealer.fromFile(file) as unknown as { key: Buffer }).key.toString('base64');
    expect(Sealer.fromBase64(key).open(sealed, 'rec-1')).toEqual({ phone: '13800000000' });
    expect(() => Sealer.fromBase64('c2hvcnQ=')).toThrow(DataKeyError);
  });
});
