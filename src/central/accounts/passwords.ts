/**
 * Passwords (issue 15): argon2id hashes in PHC strings (@node-rs/argon2, its defaults: 19 MiB, 2 passes, ≈ 50 ms),
 * and the policy a new password must meet. Runs in Node.
 */
import { hash, verify } from '@node-rs/argon2';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_CLASSES,
  PASSWORD_MIN_LENGTH,
  passwordRulesBroken,
  type PasswordRule,
} from '../../shared/password-policy.js';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH };

/** Argon2id (the library's `Algorithm.Argon2id`; a const enum, so named by value). */
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/**
 * A hash of nothing anybody knows, verified when the account named does not exist: a login answers in the same
 * time whether or not the name is known.
 */
let dummy: Promise<string> | undefined;
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('no account has this password, it only costs the time a real one does');
  await verifyPassword(await dummy, password);
}

const RULE_WORDS: Record<PasswordRule, string> = {
  min_length: `a password has at least ${PASSWORD_MIN_LENGTH} characters`,
  max_length: `a password has at most ${PASSWORD_MAX_LENGTH} characters`,
  classes: `a password has ${PASSWORD_MIN_CLASSES} of these 4: lower-case letters, capitals, digits, other characters`,
  not_username: 'a password does not contain the account name',
};

/** Why `password` may not be used by `username` (the policy of src/shared/password-policy.ts), or null. */
export function passwordProblem(password: string, username: string): string | null {
  const [first] = passwordRulesBroken(password, username);
  return first ? RULE_WORDS[first] : null;
}
