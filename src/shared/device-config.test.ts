import { describe, expect, it } from 'vitest';
import { DeviceConfig } from './device-config.js';
import { DEFAULT_REASON_TAGS } from './reason-tags.js';

const base = { mode: 'window', window: { code: 'W01', name: '1号窗口' } };

describe('DeviceConfig', () => {
  it('fills defaults: 20 s rating window, key 1 = 非常满意, the reason tags of 第七条', () => {
    const config = DeviceConfig.parse(base);
    expect(config.ratingWindowSeconds).toBe(20);
    expect(config.keyMap).toEqual([5, 4, 3, 2, 1]);
    expect(config.reasonTags.map((t) => t.label)).toEqual(DEFAULT_REASON_TAGS.map((t) => t.label));
  });

  it.each([
    ['window mode without a window', { mode: 'window' }, 'window'],
    ['a rating window under 5 s', { ...base, ratingWindowSeconds: 4 }, 'ratingWindowSeconds'],
    ['a rating window over 120 s', { ...base, ratingWindowSeconds: 121 }, 'ratingWindowSeconds'],
    ['a key map naming a level twice', { ...base, keyMap: [5, 5, 3, 2, 1] }, 'keyMap'],
    ['an unknown field', { ...base, colour: 'red' }, ''],
    [
      'a staff entry with both pin and pinHash',
      { ...base, roster: [{ staffNo: '1', name: 'a', pin: '1234', pinHash: 'x' }] },
      'roster.0',
    ],
    ['a PIN that is not 4–8 digits', { ...base, roster: [{ staffNo: '1', name: 'a', pin: '12a4' }] }, 'roster.0.pin'],
    [
      'a duplicate staff number',
      {
        ...base,
        roster: [
          { staffNo: '1', name: 'a', pin: '1234' },
          { staffNo: '1', name: 'b', pin: '1234' },
        ],
      },
      'roster.1.staffNo',
    ],
    ['a code with SQL in it', { ...base, window: { code: "W1'; DROP TABLE staff;--", name: 'x' } }, 'window.code'],
  ])('refuses %s, naming the field', (_name, input, path) => {
    const result = DeviceConfig.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('DeviceConfig.updateFeedUrl', () => {
  it('takes an https feed only, never plain http (the updater and the centre refuse it too)', () => {
    expect(DeviceConfig.parse({ ...base, updateFeedUrl: 'https://updates.example/hcp' }).updateFeedUrl).toBe(
      'https://updates.example/hcp',
    );
    for (const url of [
      'http://updates.example/hcp',
      'http://127.0.0.1:8080/hcp',
      'ftp://updates.example/',
      'file:///x',
    ]) {
      const parsed = DeviceConfig.safeParse({ ...base, updateFeedUrl: url });
      expect(parsed.success, url).toBe(false);
      expect(parsed.error?.issues[0]?.path, url).toEqual(['updateFeedUrl']);
    }
  });
});
