import { describe, expect, it } from 'vitest';
import { errorText, translate } from './i18n.js';

describe('screen texts', () => {
  it('fill in values, in 中文 and English', () => {
    expect(translate('zh', 'seconds_left', { n: 12 })).toBe('12 秒');
    expect(translate('en', 'seconds_left', { n: 12 })).toBe('12 s');
  });

  it('explain every error a person can meet, and name the code of an unexpected one', () => {
    expect(errorText('zh', { code: 'bad_credentials', details: { attemptsLeft: 3 } })).toContain('剩余次数：3');
    expect(errorText('en', { code: 'storage_full' })).toMatch(/disk space/);
    expect(errorText('zh', { code: 'teapot' })).toContain('teapot');
  });

  it('say when a lock ends with its date, not a time alone', () => {
    const retryAt = new Date(2026, 11, 3, 14, 5).toISOString();
    expect(errorText('zh', { code: 'locked', details: { retryAt } })).toMatch(/12\/03 14:05/);
    expect(errorText('en', { code: 'locked', details: { retryAt } })).toMatch(/03\/12.*14:05/);
  });
});

describe('the role names of the screens', () => {
  it('are the shared ones in Chinese (the default label a pairing stores)', async () => {
    const { ROLE_LABELS } = await import('../shared/screen-pairing.js');
    for (const role of ['citizen', 'staff', 'technician'] as const)
      expect(translate('zh', `role_${role}`)).toBe(ROLE_LABELS[role]);
  });
});
