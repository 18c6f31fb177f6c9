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
});
