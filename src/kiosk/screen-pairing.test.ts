import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './store/database.js';
import { PAIRING_CODE_TTL_MS, PAIRING_MAX_WRONG, ScreenPairingError, ScreenPairings } from './screen-pairing.js';
import { tempDir } from './test-support/fixtures.js';

let dir: ReturnType<typeof tempDir>;
let db: Database;
let clock: number;
let pairings: ScreenPairings;

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(join(dir.path, 'kiosk.db'));
  clock = Date.parse('2026-12-01T09:00:00Z');
  pairings = new ScreenPairings({ db, now: () => clock });
});

afterEach(() => {
  db.close();
  dir.remove();
});

const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ScreenPairingError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('screen pairing', () => {
  it('pairs a screen once per code, for the code’s role, with a token that names it', () => {
    const { code } = pairings.issue('citizen', '1号窗口 市民屏');
    expect(code).toMatch(/^\d{8}$/);
    const { token, screen } = pairings.redeem(code, 'citizen');
    expect(screen).toMatchObject({ role: 'citizen', label: '1号窗口 市民屏' });
    expect(pairings.authenticate(token)).toEqual(screen);
    expect(refusal(() => pairings.redeem(code, 'citizen'))).toBe('pairing_code_invalid');
  });

  it('refuses a code on a screen of another role, and keeps it for the right one', () => {
    const { code } = pairings.issue('staff', '工作人员面板');
    expect(refusal(() => pairings.redeem(code, 'citizen'))).toBe('pairing_wrong_role');
    expect(pairings.redeem(code, 'staff').screen.role).toBe('staff');
  });

  it('refuses a code after it expired', () => {
    const { code } = pairings.issue('citizen', 'x');
    clock += PAIRING_CODE_TTL_MS;
    expect(refusal(() => pairings.redeem(code, 'citizen'))).toBe('pairing_code_invalid');
  });

  it(`voids every pending code after ${PAIRING_MAX_WRONG} wrong codes in a row`, () => {
    const { code } = pairings.issue('technician', 'tech');
    const wrong = code === '00000000' ? '00000001' : '00000000';
    for (let i = 0; i < PAIRING_MAX_WRONG; i++) {
      expect(refusal(() => pairings.redeem(wrong, 'technician'))).toBe('pairing_code_invalid');
    }
    expect(refusal(() => pairings.redeem(code, 'technician'))).toBe('pairing_code_invalid');
  });

  it('refuses a forged, malformed or revoked token, and lists screens without their tokens', () => {
    const { token, screen } = pairings.redeem(pairings.issue('citizen', '市民屏').code, 'citizen');
    expect(pairings.authenticate(undefined)).toBeNull();
    expect(pairings.authenticate('A'.repeat(43))).toBeNull();
    expect(pairings.authenticate(`${token}x`)).toBeNull();
    expect(pairings.authenticate("' OR 1=1 --")).toBeNull();
    const listed = pairings.list();
    expect(listed).toEqual([
      expect.objectContaining({ id: screen.id, role: 'citizen', label: '市民屏', connected: false }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(token);
    const revoked: string[] = [];
    pairings.onRevoked((id) => revoked.push(id));
    pairings.revoke(screen.id);
    expect(revoked).toEqual([screen.id]);
    expect(pairings.authenticate(token)).toBeNull();
    expect(pairings.list()).toEqual([]);
  });

  it('keeps only hashes: neither a token nor a pending code is in the database file', () => {
    const { code } = pairings.issue('staff', 'a');
    const { token } = pairings.redeem(pairings.issue('citizen', 'b').code, 'citizen');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(dir.path, 'kiosk.db')).toString('latin1');
    expect(bytes).toContain('citizen');
    expect(bytes).not.toContain(token);
    expect(bytes).not.toContain(code);
  });
});
