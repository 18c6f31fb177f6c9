/**
 * Technician mode: the admin PIN set at first run (scrypt hash, five wrong tries lock it for five minutes), and what
 * a technician does on a terminal — choose the evaluator input (a serial port from the live list, its speed and key
 * order, or a keyboard-wedge evaluator, or the touchscreen alone), test each key without recording it, enrol with
 * the central system or load a provision file, check the connection, read diagnostics and export them without any
 * personal data. Runs in Node.
 */
import { checkCentralUrl, dispatcherFor, type CentralTransportOptions } from './sync/central-transport.js';
import { statfsSync } from 'node:fs';
import { hashPin, verifyPin } from '../common/pin-hash.js';
import { listSerialPorts, type PortList } from '../hardware/transport.js';
import { DeviceConfig } from '../shared/device-config.js';
import type { KeyMap, KeyMapInForce } from '../shared/key-map.js';
import { KioskError } from '../shared/kiosk-errors.js';
import type { KioskService } from './kiosk-service.js';
import type { EvaluatorInputSetting } from './store/settings-repo.js';
import { enrollKiosk } from './sync/enroll.js';
import { LocalPinError } from './sync/local-pins.js';
import { APP_VERSION } from './version.js';

const MAX_TRIES = 5;
const LOCK_MS = 5 * 60_000;

export interface TechStatus {
  adminPinSet: boolean;
  provisioned: boolean;
  enrolled: boolean;
  mode: 'window' | 'terminal' | null;
  evaluatorInput: EvaluatorInputSetting;
  keyMap: number[];
  /** Where the key map in force comes from: the centre's configuration, or a local override set here. */
  keyMapSource: KeyMapInForce['source'];
}

export class TechnicianService {
  private failures = 0;
  private lockedUntil = 0;

  constructor(
    private readonly service: KioskService,
    private readonly dataDir: string,
    /** Switches the running rater input; set by the host that owns the inputs. */
    private readonly applyInput: (input: EvaluatorInputSetting) => Promise<void>,
    /** Starts delivery to the central system after an enrolment. */
    private readonly onEnrolled: () => void,
    /** Leaves kiosk mode (the Electron shell quits); false where the host cannot (the browser host). */
    readonly requestExit: () => boolean = () => false,
    /** The kiosk's --insecure-http and --ca-file: enrolment and the connection check follow the same policy. */
    private readonly transport: CentralTransportOptions = {},
    /** The input in use, when the host knows it (a serial port on the command line wins over the setting). */
    private readonly inUse: () => EvaluatorInputSetting | undefined = () => undefined,
  ) {}

  status(): TechStatus {
    const { service } = this;
    const status = service.status();
    const keyMap = service.keyMapInForce();
    return {
      adminPinSet: service.adminPinHash() !== undefined,
      provisioned: status.enrolment.provisioned,
      enrolled: status.enrolment.enrolled,
      mode: status.mode,
      evaluatorInput: this.inUse() ?? service.evaluatorInput() ?? { kind: 'touch' },
      keyMap: [...keyMap.map],
      keyMapSource: keyMap.source,
    };
  }

  /** First run only: once set, the PIN is changed by a technician who knows it (not built yet) or by a re-install. */
  async setAdminPin(pin: string): Promise<void> {
    if (this.service.adminPinHash()) throw new KioskError('invalid_request', 'the admin PIN is set already');
    this.service.setAdminPinHash(await hashPin(pin));
  }

  /** True when `pin` is the admin PIN. Five wrong tries lock technician mode for five minutes. */
  async unlock(pin: string, now = Date.now()): Promise<boolean> {
    if (now < this.lockedUntil) {
      throw new KioskError('locked', 'too many wrong admin PINs', {
        retryAt: new Date(this.lockedUntil).toISOString(),
      });
    }
    const stored = this.service.adminPinHash();
    if (!stored) throw new KioskError('not_provisioned', 'set the admin PIN first');
    if (await verifyPin(pin, stored)) {
      this.failures = 0;
      return true;
    }
    this.failures += 1;
    if (this.failures >= MAX_TRIES) {
      this.failures = 0;
      this.lockedUntil = now + LOCK_MS;
      throw new KioskError('locked', 'too many wrong admin PINs', {
        retryAt: new Date(this.lockedUntil).toISOString(),
      });
    }
    throw new KioskError('bad_credentials', 'the admin PIN is wrong', { attemptsLeft: MAX_TRIES - this.failures });
  }

  listPorts(): Promise<PortList> {
    return listSerialPorts();
  }

  /**
   * Chooses the rater input and, with `keyMap`, the key order (a permutation of the five levels, else refused):
   * null goes back to the centre's map. A local order is reported to the centre (heartbeat, and the records rated
   * under it).
   */
  async setInput(input: EvaluatorInputSetting, keyMap?: KeyMap | null): Promise<TechStatus> {
    this.service.setEvaluatorInput(input, keyMap);
    await this.applyInput(input);
    return this.status();
  }

  async enroll(centralUrl: string, code: string) {
    const result = await enrollKiosk(this.service, this.dataDir, centralUrl, code, this.transport).catch(
      (error: Error & { code?: string }) => {
        throw new KioskError('invalid_request', `enrolment failed: ${error.message}`, { reason: error.code });
      },
    );
    this.onEnrolled();
    return {
      deviceId: result.deviceId,
      mode: result.config.mode,
      staff: result.config.roster.length,
      // For the technician to read against `hcp central key` on the centre: the key is pinned on first use here.
      centralFingerprint: result.pinned.fingerprint,
    };
  }

  async provision(raw: unknown) {
    const parsed = DeviceConfig.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new KioskError('invalid_request', `provision file: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    }
    // Pinned first: a refused key (another centre's) leaves the configuration as it was. Said to the screen with
    // its own code: the technician must know it is another centre's key, not a bad file.
    try {
      this.service.applyLocalPins(parsed.data);
    } catch (error) {
      if (!(error instanceof LocalPinError)) throw error;
      const code = error.code === 'central_key_mismatch' ? 'central_key_mismatch' : 'invalid_request';
      throw new KioskError(code, error.message);
    }
    await this.service.provision(parsed.data);
    return { mode: parsed.data.mode, staff: parsed.data.roster.length, serviceItems: parsed.data.serviceItems.length };
  }

  /** Can the central system be reached? Uses the enrolment's URL unless one is given. */
  async checkCentral(centralUrl?: string): Promise<{ reachable: boolean; url: string | null; message: string }> {
    const url = centralUrl ?? this.service.enrolment()?.centralUrl ?? null;
    if (!url) return { reachable: false, url: null, message: 'no central system configured' };
    try {
      const dispatcher = dispatcherFor(this.transport);
      const res = await fetch(new URL('/api/v1/health', checkCentralUrl(url, this.transport)), {
        signal: AbortSignal.timeout(5000),
        ...(dispatcher ? { dispatcher } : {}),
      });
      return { reachable: res.ok, url, message: res.ok ? 'ok' : `answered ${res.status}` };
    } catch (error) {
      return { reachable: false, url, message: (error as Error).message };
    }
  }

  /**
   * Everything a technician needs to see, and nothing personal: no rater, no callback number, no rating. Whoever
   * holds the export is at the counter, so it follows the counter's rule: the frame log keeps no key (KEY frames
   * masked), the queue counts follow-ups within their evaluations, and quarantined follow-ups are left out.
   */
  diagnostics() {
    const { service } = this;
    const status = service.status();
    let disk: { freeBytes: number; totalBytes: number } | null = null;
    try {
      const fs = statfsSync(this.dataDir);
      disk = { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
    } catch {
      disk = null;
    }
    return {
      generatedAt: new Date().toISOString(),
      versions: { app: APP_VERSION, node: process.versions.node, electron: process.versions.electron ?? null },
      device: {
        id: status.deviceId,
        centralDeviceId: status.enrolment.centralDeviceId,
        mode: status.mode,
        window: status.window,
      },
      evaluator: { status: status.evaluator, ...service.evaluatorDiagnostics() },
      sync: { central: status.central, queue: status.queue, quarantined: service.quarantined() },
      storage: { ...status.storage, disk },
    };
  }
}
