/**
 * The password policy of issue 15, declared once: at least PASSWORD_MIN_LENGTH characters drawn from at least
 * PASSWORD_MIN_CLASSES of the four classes, not containing the account name. The centre enforces it
 * (src/central/accounts/passwords.ts); the console shows and checks it as the user types. Runs everywhere (pure).
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** Lower-case letters, capitals, digits, other characters. */
export const PASSWORD_CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{Ll}\p{Lu}\p{N}]/u] as const;
export const PASSWORD_MIN_CLASSES = 3;

/** A rule of the policy a password breaks. */
export type PasswordRule = 'min_length' | 'max_length' | 'classes' | 'not_username';

/** Every rule `password` breaks for the account `username`, in the policy's order (empty when it may be used). */
export function passwordRulesBroken(password: string, username: string): PasswordRule[] {
  const broken: PasswordRule[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) broken.push('min_length');
  if (password.length > PASSWORD_MAX_LENGTH) broken.push('max_length');
  if (PASSWORD_CLASSES.filter((c) => c.test(password)).length < PASSWORD_MIN_CLASSES) broken.push('classes');
  // A name of one or two characters would refuse too much by accident.
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) broken.push('not_username');
  return broken;
}

/** Failed logins in a row that lock an account, and for how long: the centre applies them, the console says them. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
