/**
 * The configuration a kiosk receives: its window and department, the roster of that department (scrypt PIN hashes
 * only), the service items, the reason tags and the hall-wide settings. The same shape as a provision file
 * (src/shared/device-config.ts). Runs in Node.
 */
import { isBadRating, SATISFACTION_LEVELS } from '../shared/satisfaction.js';
import { createHash } from 'node:crypto';
import { CENTRE_ONLY_SETTINGS } from '../shared/central-api.js';
import { DeviceConfig } from '../shared/device-config.js';
import type { CentralDb, Queryable } from './db/database.js';

export interface DeviceRow {
  id: string;
  mode: 'window' | 'terminal';
  windowCode: string | null;
  name: string;
  revokedAt: Date | null;
  publicKey: string;
}

export async function currentConfigVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: number }>('SELECT version FROM config_version');
  return row!.version;
}

/**
 * A device's configuration and the version it is, read from one snapshot: the version signed with an answer
 * (X-HCP-Config-Version) names exactly that content, so a kiosk refusing older versions never refuses the newest.
 */
export async function configSnapshot(
  db: CentralDb,
  device: Pick<DeviceRow, 'mode' | 'windowCode' | 'name'>,
): Promise<{ config: DeviceConfig; configVersion: number }> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const configVersion = await currentConfigVersion(tx);
    return { config: await buildDeviceConfig(tx, device), configVersion };
  });
}

export async function buildDeviceConfig(
  db: Queryable,
  device: Pick<DeviceRow, 'mode' | 'windowCode' | 'name'>,
): Promise<DeviceConfig> {
  const [win] = device.windowCode
    ? await db.query<{ code: string; name: string; departmentCode: string; departmentName: string }>(
        `SELECT w.code, w.name, d.code AS "departmentCode", d.name AS "departmentName"
           FROM windows w JOIN departments d ON d.code = w.department_code WHERE w.code = $1`,
        [device.windowCode],
      )
    : [];
  const department = win?.departmentCode ?? null;
  const roster = department
    ? await db.query<{ staffNo: string; name: string; departmentCode: string; pinHash: string }>(
        `SELECT staff_no AS "staffNo", name, department_code AS "departmentCode", pin_hash AS "pinHash"
           FROM staff WHERE active AND department_code = $1 ORDER BY staff_no`,
        [department],
      )
    : [];
  const items = await db.query<{ code: string; name: string; departmentCode: string }>(
    `SELECT code, name, department_code AS "departmentCode" FROM service_items
      WHERE $1::text IS NULL OR department_code = $1 ORDER BY code`,
    [department],
  );
  const tags = await db.query<{ code: string; label: string }>(
    // A kiosk asks for reasons after a 差评 only: the tags of either of its levels.
    'SELECT code, label FROM reason_tags WHERE levels && $1::smallint[] ORDER BY position, code',
    [SATISFACTION_LEVELS.filter(isBadRating)],
  );
  const settings = Object.fromEntries(
    (
      await db.query<{ key: string; value: unknown }>('SELECT key, value FROM settings WHERE NOT (key = ANY($1))', [
        CENTRE_ONLY_SETTINGS,
      ])
    ).map((s) => [s.key, s.value]),
  );
  return DeviceConfig.parse({
    mode: device.mode,
    ...(win
      ? {
          window: { code: win.code, name: win.name },
          department: { code: win.departmentCode, name: win.departmentName },
        }
      : {}),
    ...(device.mode === 'terminal' ? { terminalName: device.name } : {}),
    roster,
    serviceItems: items,
    ...(tags.length > 0 ? { reasonTags: tags } : {}),
    ...settings,
  });
}

/** A strong ETag over the configuration's content. */
export function configEtag(config: DeviceConfig): string {
  return `"${createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 32)}"`;
}
