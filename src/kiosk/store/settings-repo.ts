/**
 * Device settings: one JSON value per key. Runs in Node.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { CitizenScreenSettings } from '../../shared/device-config.js';

export interface Settings {
  /** This device's id; made once on first start. */
  deviceId: string;
  mode: 'window' | 'terminal';
  window: { code: string; name: string } | null;
  department: { code: string; name: string } | null;
  terminalName: string | null;
  ratingWindowSeconds: number;
  /** The centre's key map. Read back through KeyMapSchema (KioskService.keyMapInForce): a row is not trusted. */
  keyMap: number[];
  provisionedAt: string;
  /** Set by `hcp kiosk enroll`: where the central system is and who this device is there. */
  enrolment: { centralUrl: string; deviceId: string; enrolledAt: string };
  /** The central configuration version last applied, and its ETag. */
  configVersion: number;
  configEtag: string;
  /**
   * The version the centre signed with the configuration in force (X-HCP-Config-Version): an answer of an older
   * version is refused (a replay). Set only from a verified answer, never from an (unsigned) heartbeat.
   */
  configVersionInForce: number;
  /** Server time − device time, learnt from the last heartbeat. */
  clockOffsetMs: number;
  /** The rater input chosen in technician mode (a serial port given on the command line wins). */
  evaluatorInput: EvaluatorInputSetting;
  /**
   * The technician's key order, when it differs from the central configuration's; null once cleared. Read back
   * through KeyMapSchema, like `keyMap`.
   */
  keyMapOverride: number[] | null;
  /** scrypt hash of the technician's admin PIN, set at first run. */
  adminPinHash: string;
  /** Where phones open the QR rating page (DeviceConfig.ratingPageUrl); null: the enrolment's central URL. */
  ratingPageUrl: string | null;
  /** The update feed the central configuration names, for the Electron shell. */
  updateFeedUrl: string | null;
  /** The citizen screen's speech and text size (DeviceConfig.citizenScreen); absent: CITIZEN_SCREEN_DEFAULTS. */
  citizenScreen: CitizenScreenSettings;
  /** Days a delivered, reconciled record is kept (the centre's retentionDays; absent: the default). */
  retentionDays: number | null;
  /** When reconciliation, and pruning, last succeeded (ISO): they run at start when older than a day. */
  lastReconciledAt: string;
  lastPrunedAt: string;
  /** The centre's Ed25519 public key (base64 SPKI DER), pinned at enrolment or provisioning: configs must verify. */
  centralPublicKey: string;
  /** Origins (https) the Electron shell may take updates from, set at installation or provisioning only. */
  updateOrigins: string[];
}

export type EvaluatorInputSetting =
  { kind: 'serial'; path: string; baudRate: 9600 | 19200 | 38400 | 115200 } | { kind: 'keyboard' } | { kind: 'touch' };

export class SettingsRepo {
  private readonly getStmt: Statement;
  private readonly setStmt: Statement;

  constructor(db: Database) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get<K extends keyof Settings>(key: K): Settings[K] | undefined {
    const row = this.getStmt.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as Settings[K]) : undefined;
  }

  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    this.setStmt.run(key, JSON.stringify(value));
  }
}
