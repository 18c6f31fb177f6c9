import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, uuidv7 } from './ids.js';

describe('uuidv7', () => {
  it('has the RFC 9562 version and variant, and the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 24, 12, 0, 0);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('is strictly increasing within one millisecond and when the clock steps back', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7(1_800_000_000_000));
    ids.push(uuidv7(1_700_000_000_000));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
