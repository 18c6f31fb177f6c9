import { describe, expect, it } from 'vitest';
import { oneTimePassword } from './auth.js';
import { PASSWORD_MIN_LENGTH, passwordProblem } from './passwords.js';

describe('the password policy', () => {
  it('takes ten characters or more of three of the four classes, not containing the account name', () => {
    for (const ok of ['Abcdefgh12', 'abcdefgh1!', 'ABCDEFGH1!', 'abcdEFGH!!', 'correct horse 42 battery']) {
      expect(passwordProblem(ok, 'wang.li'), ok).toBeNull();
    }
  });

  it('refuses a short one, one of two classes, and one holding the account name', () => {
    expect(passwordProblem('Abcdefg12', 'wang.li')).toMatch(`${PASSWORD_MIN_LENGTH}`);
    for (const weak of ['abcdefghijkl', 'abcdefgh1234', 'ABCDEFGH!!!!', '1234567890!!']) {
      expect(passwordProblem(weak, 'wang.li'), weak).toMatch(/3 of these 4/);
    }
    expect(passwordProblem('Wang.Li-2026!', 'wang.li')).toMatch(/account name/);
  });

  it('makes one-time passwords that meet it', () => {
    for (let i = 0; i < 200; i++) expect(passwordProblem(oneTimePassword(), 'admin')).toBeNull();
  });
});
