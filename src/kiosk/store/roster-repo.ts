/**
 * The cached roster and the hall's lists (service items, reason tags), replaced whole on each provisioning, and
 * the wrong-PIN counters, which are not. Runs in Node.
 */
import { statementCache, type Database, type StatementCache } from './database.js';
import type { ReasonTag } from '../../shared/reason-tags.js';

export interface StaffRow {
  staffNo: string;
  name: string;
  departmentCode: string | null;
  pinHash: string;
  photo: string | null;
}

export interface ServiceItem {
  code: string;
  name: string;
  departmentCode: string | null;
}

export interface Lockout {
  failedAttempts: number;
  lockedUntil: number | null;
}

export class RosterRepo {
  private readonly sql: StatementCache;

  constructor(db: Database) {
    this.sql = statementCache(db);
  }

  /** Replaces roster, service items and reason tags. Call inside a transaction. */
  replaceAll(staff: StaffRow[], items: ServiceItem[], tags: ReasonTag[]): void {
    this.sql('DELETE FROM staff').run();
    this.sql('DELETE FROM service_items').run();
    this.sql('DELETE FROM reason_tags').run();
    const s = this.sql(
      'INSERT INTO staff (staff_no, name, department_code, pin_hash, photo) VALUES (@staffNo, @name, @departmentCode, @pinHash, @photo)',
    );
    for (const row of staff) s.run(row);
    const i = this.sql(
      'INSERT INTO service_items (code, name, department_code) VALUES (@code, @name, @departmentCode)',
    );
    for (const row of items) i.run(row);
    const t = this.sql('INSERT INTO reason_tags (code, label, position) VALUES (?, ?, ?)');
    tags.forEach((tag, position) => t.run(tag.code, tag.label, position));
  }

  staff(staffNo: string): StaffRow | undefined {
    return this.sql(
      `SELECT staff_no AS staffNo, name, department_code AS departmentCode, pin_hash AS pinHash, photo
           FROM staff WHERE staff_no = ?`,
    ).get(staffNo) as StaffRow | undefined;
  }

  serviceItem(code: string): ServiceItem | undefined {
    return this.sql('SELECT code, name, department_code AS departmentCode FROM service_items WHERE code = ?').get(
      code,
    ) as ServiceItem | undefined;
  }

  /** An invitation's item as the screens show it: its name, or null when the catalogue does not hold the code. */
  itemView(code: string | null): { code: string; name: string | null } | null {
    return code ? { code, name: this.serviceItem(code)?.name ?? null } : null;
  }

  serviceItems(): { code: string; name: string }[] {
    return this.sql('SELECT code, name FROM service_items ORDER BY code').all() as { code: string; name: string }[];
  }

  reasonTags(): ReasonTag[] {
    return this.sql('SELECT code, label FROM reason_tags ORDER BY position').all() as ReasonTag[];
  }

  lockout(staffNo: string): Lockout {
    const row = this.sql(
      'SELECT failed_attempts AS failedAttempts, locked_until AS lockedUntil FROM pin_lockouts WHERE staff_no = ?',
    ).get(staffNo) as Lockout | undefined;
    return row ?? { failedAttempts: 0, lockedUntil: null };
  }

  setLockout(staffNo: string, lockout: Lockout): void {
    this.sql(
      `INSERT INTO pin_lockouts (staff_no, failed_attempts, locked_until) VALUES (?, ?, ?)
           ON CONFLICT (staff_no) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until`,
    ).run(staffNo, lockout.failedAttempts, lockout.lockedUntil);
  }

  clearLockout(staffNo: string): void {
    this.sql('DELETE FROM pin_lockouts WHERE staff_no = ?').run(staffNo);
  }
}
