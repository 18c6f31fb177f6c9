import { describe, expect, it } from 'vitest';
import { passwordRulesBroken } from './password-policy.js';

describe('the password policy, as the console ticks it off', () => {
  it('names every rule a password breaks, not only the first', () => {
    expect(passwordRulesBroken('wang', 'wang.li')).toEqual(['min_length', 'classes']);
    expect(passwordRulesBroken('wang.li-password', 'wang.li')).toEqual(['classes', 'not_username']);
    expect(passwordRulesBroken('Hall-Centre-2026', 'wang.li')).toEqual([]);
  });

  it('counts letters of any script by their case, and CJK as other characters', () => {
    expect(passwordRulesBroken('政务服务中心abc123', 'admin')).toEqual([]);
    expect(passwordRulesBroken('ÉCOLEécole12', 'admin')).toEqual([]);
  });
});
