/**
 * What a device may deliver (issue 13, item 7): the centre does not take a record's window, department, channel
 * or mode on the device's word. Each record is checked against the device's own enrolment and the hall's catalogue,
 * held in memory (`CatalogueCache`) so that a batch of 1,000 costs no query per record.
 *
 * - A window-mode device delivers records of its own window and that window's department only: a record naming
 *   another window, no window, another department or no department is refused (`scope_window`,
 *   `scope_department`). Its shift events name its own window.
 * - A terminal (self-service, `mode = terminal`) is not a window: its records name no window (`scope_window`), and
 *   a department only if the catalogue holds it (`unknown_department`). The centre serves one hall, so any of the
 *   hall's departments is the terminal's own.
 * - Either kind produces exactly one channel and its own mode (`scope_channel`, `scope_mode`).
 * - A staff number the centre does not know for the record's department is accepted (an offline kiosk may hold an
 *   older roster) and flagged `staff_unknown`.
 * Runs in Node.
 */
import { KIOSK_CHANNEL } from '../shared/channels.js';
import type { RejectionCode } from '../shared/central-api.js';
import type { WireRecord } from '../shared/wire-records.js';
import type { Queryable } from './db/database.js';
import type { DeviceRow } from './device-config.js';

/** The hall's catalogue as scope checks need it. */
export interface Catalogue {
  /** window code → its department */
  windows: ReadonlyMap<string, string>;
  departments: ReadonlySet<string>;
  /** staff number → department */
  staff: ReadonlyMap<string, string>;
  /** When it was read (ms since epoch). */
  readAt: number;
}

/** How long the catalogue is used without reading it again, when nobody changed it through this centre. */
export const CATALOGUE_CACHE_MS = 10_000;

/**
 * The catalogue, read at most once per CATALOGUE_CACHE_MS, and at once after `invalidate` (every catalogue change
 * through this centre's admin API calls it). A change by another central process on the same database counts
 * within CATALOGUE_CACHE_MS.
 */
export class CatalogueCache {
  private current: Catalogue | undefined;
  private loading: Promise<Catalogue> | undefined;
  private generation = 0;

  constructor(private readonly db: Queryable) {}

  async get(now = Date.now()): Promise<Catalogue> {
    if (this.current && now - this.current.readAt < CATALOGUE_CACHE_MS) return this.current;
    return this.reload(now);
  }

  /** Reads it again unless what is held was read after `since` (a refusal double-checks a stale catalogue). */
  async fresherThan(since: number, now = Date.now()): Promise<Catalogue> {
    if (this.current && this.current.readAt >= since) return this.current;
    return this.reload(now);
  }

  invalidate(): void {
    this.current = undefined;
    this.loading = undefined;
    this.generation += 1;
  }

  private reload(now: number): Promise<Catalogue> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = (async () => {
      const [windows, departments, staff] = await Promise.all([
        this.db.query<{ code: string; department: string }>('SELECT code, department_code AS department FROM windows'),
        this.db.query<{ code: string }>('SELECT code FROM departments'),
        this.db.query<{ code: string; department: string }>(
          'SELECT staff_no AS code, department_code AS department FROM staff',
        ),
      ]);
      const catalogue: Catalogue = {
        windows: new Map(windows.map((w) => [w.code, w.department])),
        departments: new Set(departments.map((d) => d.code)),
        staff: new Map(staff.map((s) => [s.code, s.department])),
        readAt: now,
      };
      if (generation === this.generation) this.current = catalogue;
      return catalogue;
    })();
    this.loading = loading;
    void loading.then(
      () => (this.loading === loading ? (this.loading = undefined) : undefined),
      () => (this.loading === loading ? (this.loading = undefined) : undefined),
    );
    return loading;
  }
}

/** A record outside the device's scope: its code and a message for the technician reading the quarantine. */
export interface ScopeRefusal {
  code: RejectionCode;
  message: string;
}

type DeviceScope = Pick<DeviceRow, 'mode' | 'windowCode'>;

/** The department of a window-mode device (its window's), or null for a terminal or a window not in the catalogue. */
export function deviceDepartment(device: DeviceScope, catalogue: Catalogue): string | null {
  return device.windowCode === null ? null : (catalogue.windows.get(device.windowCode) ?? null);
}

/** Null when `record` is within what `device` may deliver. */
export function checkScope(device: DeviceScope, record: WireRecord, catalogue: Catalogue): ScopeRefusal | null {
  const show = (v: string | null) => (v === null ? 'none' : JSON.stringify(v));
  if (record.kind === 'shift_event') {
    if (record.windowCode !== device.windowCode) {
      return {
        code: 'scope_window',
        message: `a shift at window ${show(record.windowCode)}; this device is window ${show(device.windowCode)}`,
      };
    }
    return null;
  }
  if (record.kind !== 'evaluation') return null;
  if (record.mode !== device.mode) {
    return { code: 'scope_mode', message: `a ${record.mode} record; this device is enrolled as ${device.mode}` };
  }
  const channel = KIOSK_CHANNEL[device.mode];
  if (record.channel !== channel) {
    return { code: 'scope_channel', message: `channel ${record.channel}; a ${device.mode} device rates on ${channel}` };
  }
  if (device.mode === 'window') {
    if (record.windowCode !== device.windowCode) {
      return {
        code: 'scope_window',
        message: `window ${show(record.windowCode)}; this device is window ${show(device.windowCode)}`,
      };
    }
    const department = deviceDepartment(device, catalogue);
    if (record.departmentCode === null || record.departmentCode !== department) {
      return {
        code: 'scope_department',
        message: `department ${show(record.departmentCode)}; window ${device.windowCode} is of ${show(department)}`,
      };
    }
    return null;
  }
  if (record.windowCode !== null) {
    return { code: 'scope_window', message: `window ${show(record.windowCode)}; a terminal names no window` };
  }
  if (record.departmentCode !== null && !catalogue.departments.has(record.departmentCode)) {
    return { code: 'unknown_department', message: `department ${show(record.departmentCode)} is not in the catalogue` };
  }
  return null;
}

/**
 * Whether `staffNo` is unknown to the centre for `department`: no such staff number, or one of another department.
 * Null staff numbers (terminals, presses outside a shift) are not unknown.
 */
export function isStaffUnknown(staffNo: string | null, department: string | null, catalogue: Catalogue): boolean {
  if (staffNo === null) return false;
  const of = catalogue.staff.get(staffNo);
  return of === undefined || (department !== null && of !== department);
}
