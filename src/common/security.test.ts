import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './test-support/temp-dir.js';
import { DataKeyError, Sealer } from './data-key.js';
import { hashPin, verifyPin } from './pin-hash.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir()));
afterEach(() => dir.remove());

describe('PIN hashes', () => {
  it('verify the right PIN only, and never store it', async () => {
    const hash = await hashPin('246810');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain('246810');
    expect(await verifyPin('246810', hash)).toBe(true);
    expect(await verifyPin('246811', hash)).toBe(false);
    expect(await hashPin('246810')).not.toBe(hash); // salted
  });

  it('never match an unknown staff number or a malformed hash', async () => {
    expect(await verifyPin('246810', null)).toBe(false);
    expect(await verifyPin('246810', 'plain')).toBe(false);
    expect(await verifyPin('246810', 'scrypt$3$8$1$AAAA$AAAA')).toBe(false);
    // Absurd cost parameters are refused instead of exhausting memory.
    expect(await verifyPin('246810', `scrypt$${2 ** 30}$8$1$AAAA$${'A'.repeat(44)}`)).toBe(false);
  });
});

describe('device data key', () => {
  it('is created once with mode 0600 and reused', () => {
    const file = join(dir.path, 'data.key');
    const a = Sealer.fromFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = Sealer.fromFile(file);
    expect(b.open(a.seal({ n: 1 }, 'ctx'), 'ctx')).toEqual({ n: 1 });
  });

  it('binds sealed data to its record: a blob moved to another record, or altered, fails to open', () => {
    const sealer = Sealer.fromFile(join(dir.path, 'data.key'));
    const blob = sealer.seal('13800138000', 'record-a');
    expect(blob.includes(Buffer.from('13800138000'))).toBe(false);
    expect(() => sealer.open(blob, 'record-b')).toThrow();
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => sealer.open(tampered, 'record-a')).toThrow();
  });

  it('refuses a key file that is not a 32-byte key', () => {
    const file = join(dir.path, 'data.key');
    writeFileSync(file, 'c2hvcnQ=\n');
    expect(() => Sealer.fromFile(file)).toThrow(DataKeyError);
  });
});
