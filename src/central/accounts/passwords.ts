/**
 * Passwords (issue 15): argon2id hashes in PHC strings (@node-rs/argon2, its defaults: 19 MiB, 2 passes, ≈ 50 ms),
 * and the policy a new password must meet. Runs in Node.
 */
import { hash, verify } from '@node-rs/argon2';

/** Argon2id (the library's `Algorithm.Argon2id`; a const enum, so named by value). */
const ARGON2ID = 2;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** The four classes of character a password draws from; it needs at least PASSWORD_MIN_CLASSES of them. */
const CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{Ll}\p{Lu}\p{N}]/u] as const;
export const PASSWORD_MIN_CLASSES = 3;

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

/** Why `password` may not be used by `username`, or null when it may. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `a password has at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `a password has at most ${PASSWORD_MAX_LENGTH} characters`;
  if (CLASSES.filter((c) => c.test(password)).length < PASSWORD_MIN_CLASSES) {
    return `a password has ${PASSWORD_MIN_CLASSES} of these 4: lower-case letters, capitals, digits, other characters`;
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    return 'a password does not contain the account name';
  }
  return null;
}
