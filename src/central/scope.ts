/**
 * What a device may deliver (issue 13, item 7): the centre does not take a record's window, department, channel
 * or mode on the device's word. Each record is checked against the device's own enrolment and the hall's catalogue,
 * held in memory (`CatalogueCache`) so that a batch, however large (MAX_RECORDS_PER_BATCH), costs no query per record.
 *
 * - A window-mode device delivers records of its own window and that window's department only: a record naming
 *   another window, no window, another department or no department is refused (`scope_window`,
 *   `scope_department`). Its shift events name its own window. The department is the one the window had when the
 *   record was made (`window_departments`, migration 0030), not the one it has now: a window moved to another
 *   department keeps the ratings given before the move, and those a kiosk gave before it learnt of it
 *   (WINDOW_MOVE_GRACE_MS).
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
import { MAX_CLOCK_SKEW_MS } from '../shared/device-auth.js';
import type { Queryable } from './db/database.js';
import type { DeviceRow } from './device-config.js';

/**
 * How long after a window moved to another department a record of the old one is still taken from its kiosk. A
 * kiosk learns of the move at its next configuration pull, which an offline kiosk makes only when it is back: the
 * kiosk is built to run a month offline (its outbox is sized for it, docs/architecture.md), so a month and a day.
 * A kiosk away longer is one a technician visits; its refused records wait in its quarantine, visible.
 */
export const WINDOW_MOVE_GRACE_MS = 31 * 24 * 3600_000;

/**
 * How far before a move a record of the new department is taken: clock skew only, since a kiosk cannot know of a
 * move before it. A kiosk that can deliver at all is within MAX_CLOCK_SKEW_MS of the centre's clock (signed
 * requests further off are refused), and records carry the offset it last learnt.
 */
export const WINDOW_MOVE_SKEW_MS = MAX_CLOCK_SKEW_MS;

/** One stretch of a window's history: its department from `since` (ms since epoch; -Infinity for the first). */
export interface WindowStretch {
  department: string;
  since: number;
}

/** The hall's catalogue as scope checks need it. */
export interface Catalogue {
  /** window code → its department now */
  windows: ReadonlyMap<string, string>;
  /** window code → its departments over time, oldest first */
  windowHistory: ReadonlyMap<string, readonly WindowStretch[]>;
  departments: ReadonlySet<string>;
  /** staff number → department */
  staff: ReadonlyMap<string, string>;
  /** service item code, or an alias an admin mapped (migration 0120) → the item's code */
  items: ReadonlyMap<string, string>;
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
      const [windows, history, departments, staff, items] = await Promise.all([
        this.db.query<{ code: string; department: string }>('SELECT code, department_code AS department FROM windows'),
        this.db.query<{ code: string; department: string; since: Date }>(
          `SELECT window_code AS code, department_code AS department, since FROM window_departments
            ORDER BY window_code, since, id`,
        ),
        this.db.query<{ code: string }>('SELECT code FROM departments'),
        this.db.query<{ code: string; department: string }>(
          'SELECT staff_no AS code, department_code AS department FROM staff',
        ),
        this.db.query<{ code: string; item: string }>(
          `SELECT code, code AS item FROM service_items
           UNION ALL SELECT code, service_item_code FROM service_item_aliases`,
        ),
      ]);
      const windowHistory = new Map<string, WindowStretch[]>();
      for (const row of history) {
        const stretches = windowHistory.get(row.code) ?? [];
        // The first stretch holds from the beginning: a record older than the window is clock skew, not a forgery.
        stretches.push({ department: row.department, since: stretches.length === 0 ? -Infinity : row.since.getTime() });
        windowHistory.set(row.code, stretches);
      }
      const catalogue: Catalogue = {
        windows: new Map(windows.map((w) => [w.code, w.department])),
        windowHistory,
        departments: new Set(departments.map((d) => d.code)),
        staff: new Map(staff.map((s) => [s.code, s.department])),
        items: new Map(items.map((i) => [i.code, i.item])),
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

/** The department `windowCode` had at `at` (ms since epoch, the centre's clock), or null for no such window. */
export function windowDepartmentAt(catalogue: Catalogue, windowCode: string | null, at: number): string | null {
  if (windowCode === null) return null;
  const stretches = catalogue.windowHistory.get(windowCode);
  if (!stretches) return catalogue.windows.get(windowCode) ?? null;
  let department: string | null = null;
  for (const s of stretches) if (s.since <= at) department = s.department;
  return department ?? stretches[0]!.department;
}

/**
 * Whether `department` was `windowCode`'s at some moment from WINDOW_MOVE_GRACE_MS before `at` to
 * WINDOW_MOVE_SKEW_MS after it: a record of the department before a move, made by a kiosk not yet told of it, or of
 * the department after it, from a kiosk whose clock is a little behind.
 */
function wasWindowDepartment(catalogue: Catalogue, windowCode: string, department: string, at: number): boolean {
  const stretches = catalogue.windowHistory.get(windowCode);
  if (!stretches) return catalogue.windows.get(windowCode) === department;
  const from = at - WINDOW_MOVE_GRACE_MS;
  const to = at + WINDOW_MOVE_SKEW_MS;
  return stretches.some((s, i) => {
    const until = stretches[i + 1]?.since ?? Infinity;
    return s.department === department && s.since <= to && until > from;
  });
}

/**
 * Null when `record` is within what `device` may deliver. `clockOffsetMs` (the centre's clock minus the device's,
 * as the batch says) puts the record's own time on the centre's clock, for the window's department at that time.
 */
export function checkScope(
  device: DeviceScope,
  record: WireRecord,
  catalogue: Catalogue,
  clockOffsetMs: number | null = null,
): ScopeRefusal | null {
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
    const at = Date.parse(record.invitedAt) + (clockOffsetMs ?? 0);
    if (
      record.departmentCode === null ||
      device.windowCode === null ||
      !wasWindowDepartment(catalogue, device.windowCode, record.departmentCode, at)
    ) {
      const department = windowDepartmentAt(catalogue, device.windowCode, at);
      return {
        code: 'scope_department',
        message: `department ${show(record.departmentCode)}; window ${show(device.windowCode)} was of ${show(department)} then`,
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

/**
 * A record's service item as the centre files it: `known`, the catalogue's code (an alias mapped to its item), or
 * null; `unknown`, the code as it came when the catalogue holds neither it nor an alias of it.
 */
export function fileServiceItem(
  code: string | null,
  catalogue: Catalogue,
): { known: string | null; unknown: string | null } {
  if (code === null) return { known: null, unknown: null };
  const item = catalogue.items.get(code);
  return item === undefined ? { known: null, unknown: code } : { known: item, unknown: null };
}
