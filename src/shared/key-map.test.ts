import { describe, expect, it } from 'vitest';
import { levelForKey } from './key-map.js';

describe('levelForKey', () => {
  it('maps key 1 to 非常满意 … key 5 to 非常不满意 by default', () => {
    expect([1, 2, 3, 4, 5].map((k) => levelForKey(k))).toEqual([5, 4, 3, 2, 1]);
  });

  it('follows a vendor order given in configuration', () => {
    expect([1, 2, 3, 4, 5].map((k) => levelForKey(k, [1, 2, 3, 4, 5]))).toEqual([1, 2, 3, 4, 5]);
  });

  it('maps nothing else', () => {
    for (const k of [0, 6, 1.5, NaN, -1]) expect(levelForKey(k)).toBeNull();
  });
});
