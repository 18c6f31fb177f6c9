/**
 * The kiosk service: one object that owns the database and composes shifts, invitations, provisioning and the rater
 * inputs. Transports (the local HTTP API, the UI channel) call its methods; nothing here knows about them, and
 * nothing here depends on Electron. Runs in Node.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { citizenScreenOf, RATING_WINDOW_SECONDS, type DeviceConfig } from '../shared/device-config.js';
import { DEFAULT_KEY_MAP, KeyMapSchema, type KeyMap, type KeyMapInForce } from '../shared/key-map.js';
import { KioskError } from '../shared/kiosk-errors.js';
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { EvaluatorStatus, RatingQrView, StatusView } from '../shared/local-api.js';
import type { QuarantinedEntry } from './store/outbox-repo.js';
import type { EvaluatorInputSetting, Settings } from './store/settings-repo.js';
import { KeyTests, type EndKeyTest } from './key-test.js';
import type { ScreenView } from '../shared/ui-contract.js';
import { createContext, hasRoom, transact, type KioskContext } from './context.js';
import type { DeviceIdentity } from '../common/device-identity.js';
import { ratingQr } from './rating-qr.js';
import { uuidv7 } from '../common/ids.js';
import type { RaterInput } from './input/rater-input.js';
import { PAUSED_TEXT, SerialInput, type DeviceView, type EvaluatorDiagnostics } from './input/serial-input.js';
import { InvitationService, type Press, type PressOutcome } from './invitation-service.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { DATA_KEY_FILE, Sealer } from '../common/data-key.js';
import { hashPin } from '../common/pin-hash.js';
import { openDatabase, type Database } from './store/database.js';
import { ShiftService, shiftView } from './shift-service.js';
import { applyLocalPins } from './sync/local-pins.js';
import { centralStatus } from './sync/central-state.js';
import type { SyncAgent } from './sync/sync-agent.js';
import { ScreenPairings } from './screen-pairing.js';
import { APP_VERSION } from './version.js';

export interface KioskServiceOptions {
  /** Folder for the database and the device data key; created if missing. */
  dataDir: string;
  /** The data key (base64) as the Electron shell unwrapped it from the OS key store; else DATA/data.key is used. */
  dataKey?: string;
  logger?: Logger;
  /** SQLite `max_page_count`, to cap the database size (simulates a full disk in tests). */
  maxPageCount?: number;
}

/** What sync/local-pins.ts's applyLocalPins takes after the context, whatever it is. */
type LocalPinArguments = Parameters<typeof applyLocalPins> extends [KioskContext, ...infer Rest] ? Rest : never;

/** How long after a service ends unrated the 办件 system may have its QR code for the receipt. */
export const RECEIPT_QR_MS = 10 * 60_000;

export class KioskService {
  readonly shifts: ShiftService;
  readonly invitations: InvitationService;
  private readonly ctx: KioskContext;
  private readonly events = new EventEmitter<{ event: [KioskEvent] }>();
  private readonly inputs: RaterInput[] = [];
  private sync: SyncAgent | undefined;
  private readonly keyTests: KeyTests;
  /** The key map in force, read (and checked) once after each change; see keyMapInForce. */
  private keyMapCache: KeyMapInForce | undefined;
  private pairings: ScreenPairings | undefined;
  /** The device key, once enrolled: it signs the QR codes of services (rating-qr.ts). */
  private identity: DeviceIdentity | undefined;

  private constructor(db: Database, sealer: Sealer, log: Logger) {
    this.ctx = createContext(db, sealer, log, (event) => this.dispatch(event));
    this.keyTests = new KeyTests(this.ctx);
    const keyTestOn = () => this.keyTests.on();
    this.shifts = new ShiftService(this.ctx, keyTestOn);
    this.invitations = new InvitationService(this.ctx, { keyTestOn, keyMapInForce: () => this.keyMapInForce() });
  }

  static open(options: KioskServiceOptions): KioskService {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const log = (options.logger ?? silentLogger).child({ module: 'kiosk' });
    const db = openDatabase(join(options.dataDir, 'kiosk.db'), { maxPageCount: options.maxPageCount });
    // Under the Electron shell the data key comes unwrapped from the OS key store; else from its file.
    const sealer = options.dataKey
      ? Sealer.fromBase64(options.dataKey)
      : Sealer.fromFile(join(options.dataDir, DATA_KEY_FILE));
    const service = new KioskService(db, sealer, log);
    const { ctx } = service;
    if (!ctx.settings.get('deviceId')) transact(ctx, () => ctx.settings.set('deviceId', uuidv7()));
    service.invitations.recover();
    service.keyTests.recover();
    return service;
  }

  get deviceId(): string {
    return this.ctx.settings.get('deviceId')!;
  }

  /** The level of each evaluator key, left to right: the technician's order, else the configuration's. */
  keyMap(): readonly number[] {
    return this.keyMapInForce().map;
  }

  /**
   * The key map in force and where it came from: a technician's local override, else the centre's configuration.
   * Both are read back through KeyMapSchema: a row altered in the database (say [5,5,5,5,5]) is not trusted, it is
   * logged and ignored (a bad override falls back to the centre's map, a bad centre map to the default). The
   * heartbeat reports it, and records a press makes under a local map carry it (`localKeyMap`).
   */
  keyMapInForce(): KeyMapInForce {
    if (this.keyMapCache) return this.keyMapCache;
    const { settings, log } = this.ctx;
    const read = (key: 'keyMapOverride' | 'keyMap'): KeyMap | undefined => {
      const stored = settings.get(key);
      if (stored === undefined || stored === null) return undefined;
      const parsed = KeyMapSchema.safeParse(stored);
      if (parsed.success) return parsed.data;
      log.error({ setting: key }, 'a stored key map is not a permutation of the five levels: ignored');
      return undefined;
    };
    const local = read('keyMapOverride');
    this.keyMapCache = local
      ? { map: local, source: 'local' }
      : { map: read('keyMap') ?? [...DEFAULT_KEY_MAP], source: 'central' };
    return this.keyMapCache;
  }

  /**
   * Starts technician mode's key test (src/kiosk/key-test.ts): refused while a staff member is logged in or an
   * invitation is open; while on, presses are shown to technicians and counted, never recorded as ratings or stray
   * presses, and no invitation opens and no one logs in. Returns the function that ends this session.
   */
  startKeyTest(): EndKeyTest {
    return this.keyTests.start();
  }

  /** The rater input chosen in technician mode, if any. */
  evaluatorInput(): EvaluatorInputSetting | undefined {
    return this.ctx.settings.get('evaluatorInput');
  }

  /**
   * Technician mode: the rater input, and the key order. `keyMap` undefined keeps the order in force; null clears a
   * local override (back to the centre's map); a map the same as the centre's clears it too. Anything but a
   * permutation of the five levels is refused.
   */
  setEvaluatorInput(input: EvaluatorInputSetting, keyMap?: KeyMap | null): void {
    const { ctx } = this;
    let override: KeyMap | null | undefined = keyMap;
    if (keyMap) {
      const parsed = KeyMapSchema.safeParse(keyMap);
      if (!parsed.success) {
        throw new KioskError('invalid_request', `keyMap: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      }
      const central = KeyMapSchema.safeParse(ctx.settings.get('keyMap'));
      const same = central.success && central.data.every((level, i) => level === parsed.data[i]);
      override = same ? null : parsed.data;
    }
    const before = this.keyMapInForce();
    transact(ctx, () => {
      ctx.settings.set('evaluatorInput', input);
      if (override !== undefined) ctx.settings.set('keyMapOverride', override);
    });
    this.keyMapCache = undefined;
    const after = this.keyMapInForce();
    if (after.source !== before.source || after.map.some((level, i) => level !== before.map[i])) {
      // An audit line: a key order set at the counter changes what every key means.
      ctx.log.warn({ keyMap: after.map, source: after.source }, 'evaluator key map changed in technician mode');
      this.dispatch({ type: 'config.changed' });
    }
  }

  /** The scrypt hash of the technician's admin PIN, once set. */
  adminPinHash(): string | undefined {
    return this.ctx.settings.get('adminPinHash');
  }

  /** Sets the admin PIN's hash, at first run only. */
  setAdminPinHash(hash: string): void {
    const { ctx } = this;
    transact(ctx, () => {
      if (ctx.settings.get('adminPinHash')) throw new KioskError('invalid_request', 'the admin PIN is set already');
      ctx.settings.set('adminPinHash', hash);
    });
  }

  /** Where the central system is and who this device is there, once enrolled. */
  enrolment(): Settings['enrolment'] | undefined {
    return this.ctx.settings.get('enrolment');
  }

  /** The update feed the central configuration names, for the Electron shell. */
  updateFeedUrl(): string | null {
    return this.ctx.settings.get('updateFeedUrl') ?? null;
  }

  /** The https origins the Electron app may take updates from: pinned on the kiosk itself (sync/local-pins.ts). */
  updateOrigins(): string[] {
    return this.ctx.settings.get('updateOrigins') ?? [];
  }

  /** Pins the centre's key and the update origins on the kiosk itself: sync/local-pins.ts checks (and refuses). */
  applyLocalPins(...pins: LocalPinArguments): ReturnType<typeof applyLocalPins> {
    return applyLocalPins(this.ctx, ...pins);
  }

  /** The browser host's paired screens (made at the first call, then the same), written in the service's transactions. */
  screenPairings(log: Logger = this.ctx.log): ScreenPairings {
    this.pairings ??= new ScreenPairings({ db: this.ctx.db, log, write: (work) => transact(this.ctx, work) });
    return this.pairings;
  }

  /** Records the centre refused, as the counter may see them (follow-ups left out: OutboxRepo.quarantined). */
  quarantined(): QuarantinedEntry[] {
    return this.ctx.outbox.quarantined();
  }

  /** Puts every quarantined record back in the queue (after the cause was fixed at the centre) and sends now. */
  retryQuarantined(): { requeued: number } {
    const { ctx } = this;
    const requeued = transact(ctx, () => ctx.outbox.retryQuarantined());
    ctx.log.info({ requeued }, 'quarantined records sent again');
    this.sync?.nudge();
    return { requeued };
  }

  /** Listens to everything the service does; returns the unsubscribe function. */
  subscribe(listener: (event: KioskEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  /**
   * Applies a hall configuration (from a provision file now, from the central system later): mode, window,
   * department, roster, service items, reason tags, rating window, key mapping. PINs given in clear are hashed
   * here and never stored. All of it replaces the previous configuration in one transaction.
   */
  async provision(config: DeviceConfig): Promise<void> {
    const staff = await Promise.all(
      config.roster.map(async (s) => ({
        staffNo: s.staffNo,
        name: s.name,
        departmentCode: s.departmentCode ?? null,
        pinHash: s.pinHash ?? (await hashPin(s.pin!)),
        photo: s.photo ?? null,
      })),
    );
    const { ctx } = this;
    transact(ctx, () => {
      const shift = ctx.shifts.current();
      if (shift && config.mode !== 'window') {
        throw new KioskError('shift_open', 'log the staff member out before switching this kiosk to terminal mode');
      }
      ctx.settings.set('mode', config.mode);
      ctx.settings.set('window', config.window ?? null);
      ctx.settings.set('department', config.department ?? null);
      ctx.settings.set('terminalName', config.terminalName ?? null);
      ctx.settings.set('ratingWindowSeconds', config.ratingWindowSeconds);
      ctx.settings.set('keyMap', KeyMapSchema.parse(config.keyMap));
      ctx.settings.set('updateFeedUrl', config.updateFeedUrl ?? null);
      ctx.settings.set('ratingPageUrl', config.ratingPageUrl ?? null);
      ctx.settings.set('retentionDays', config.retentionDays ?? null);
      ctx.settings.set('citizenScreen', config.citizenScreen);
      ctx.settings.set('provisionedAt', new Date(ctx.now()).toISOString());
      ctx.roster.replaceAll(
        staff,
        config.serviceItems.map((i) => ({ code: i.code, name: i.name, departmentCode: i.departmentCode ?? null })),
        config.reasonTags,
      );
    });
    this.keyMapCache = undefined;
    ctx.log.info({ mode: config.mode, staff: staff.length, items: config.serviceItems.length }, 'provisioned');
    this.dispatch({ type: 'config.changed' });
  }

  /** The sync agent, when this kiosk is enrolled and running. */
  get syncAgent(): SyncAgent | undefined {
    return this.sync;
  }

  /** Connects the central system's sync; it is told of every change so queued records go out at once. */
  attachSync(agent: SyncAgent): void {
    this.sync = agent;
    this.subscribe(() => agent.nudge());
    agent.start();
  }

  /** The device key of an enrolled kiosk, for the QR codes it shows and prints. */
  useIdentity(identity: DeviceIdentity): void {
    this.identity = identity;
  }

  /**
   * The QR code of a service for the 办件 system to print on the receipt (issue 17): only of one that ended unrated,
   * and only within RECEIPT_QR_MS of its end, when the receipt is printed (no_qr_code otherwise). A rated or
   * cancelled one has none, nor has any while the kiosk is not enrolled. Each one given is logged.
   */
  ratingQrOf(invitationId: string): RatingQrView {
    const row = this.ctx.invitations.get(invitationId);
    if (!row) throw new KioskError('not_found', `no invitation ${invitationId}`);
    const signer = this.qrSigner();
    if (!signer) throw new KioskError('no_qr_code', 'this kiosk is not enrolled with a central system: no QR codes');
    if (row.state !== 'unrated') {
      throw new KioskError('no_qr_code', `invitation ${invitationId} has no QR code: it is ${row.state}`);
    }
    if (this.ctx.now() > (row.endedAt ?? 0) + RECEIPT_QR_MS) {
      throw new KioskError('no_qr_code', `the QR code of invitation ${invitationId} is given only as the service ends`);
    }
    this.ctx.log.info({ invitationId }, 'QR code given for a receipt');
    return ratingQr(row, signer);
  }

  /** What signs and addresses QR codes: null until the kiosk is enrolled and has its device key. */
  private qrSigner(): Parameters<typeof ratingQr>[1] | null {
    const enrolment = this.ctx.settings.get('enrolment');
    if (!enrolment || !this.identity) return null;
    const base = this.ctx.settings.get('ratingPageUrl') ?? enrolment.centralUrl;
    return { identity: this.identity, centralDeviceId: enrolment.deviceId, base };
  }

  /** The citizen screen's QR code: the last unrated invitation's, for a rating window after it ended. */
  private screenQr(windowSeconds: number): ScreenView['qrCode'] {
    const signer = this.qrSigner();
    const last = this.invitations.lastEndedUnrated();
    if (!signer || !last) return null;
    const left = last.endedAt + windowSeconds * 1000 - this.ctx.now();
    const row = left > 0 ? this.ctx.invitations.get(last.id) : undefined;
    return row?.state === 'unrated' ? { url: ratingQr(row, signer).url, secondsLeft: Math.ceil(left / 1000) } : null;
  }

  /** Starts a rater input; its presses go through `press`. */
  async addInput(input: RaterInput): Promise<void> {
    this.inputs.push(input);
    await input.start(async (press) => this.press(press));
  }

  /** Takes a press from any input. See InvitationService.press for the durability contract. */
  press(press: Press): PressOutcome {
    if (this.keyTests.on()) {
      // No shift and no invitation can be open now (key-test.ts): this press is no one's rating.
      this.keyTests.countPress();
      this.dispatch({ type: 'evaluator.key', key: press.key ?? null, level: press.level, source: press.source });
      return { kind: 'test' };
    }
    return this.invitations.press(press);
  }

  /** Stops a rater input and forgets it. */
  async removeInput(input: RaterInput): Promise<void> {
    const i = this.inputs.indexOf(input);
    if (i >= 0) this.inputs.splice(i, 1);
    await input.stop();
  }

  status(): StatusView {
    const { ctx } = this;
    const shift = ctx.shifts.current();
    const provisioned = ctx.settings.get('mode') !== undefined;
    return {
      mode: ctx.settings.get('mode') ?? null,
      version: APP_VERSION,
      deviceId: this.deviceId,
      enrolment: {
        enrolled: ctx.settings.get('enrolment') !== undefined,
        provisioned,
        centralDeviceId: ctx.settings.get('enrolment')?.deviceId ?? null,
      },
      window: ctx.settings.get('window') ?? null,
      department: ctx.settings.get('department') ?? null,
      shift: shift ? shiftView(shift) : null,
      invitation: this.invitations.current(),
      evaluator: this.evaluatorStatus(),
      // Follow-ups counted within their evaluations: the counter must not learn that a rating was a 差评.
      queue: ctx.outbox.counterStatus(),
      central: centralStatus(ctx, this.sync?.status()),
      storage: { full: ctx.storage.full || !hasRoom(ctx) },
    };
  }

  /**
   * What the screens show now (src/shared/ui-contract.ts ScreenView). The QR code only when asked, for the citizen
   * screen: it is a link that rates the service, so the staff panel and technician mode never get it.
   */
  screenView(options: { qrCode?: boolean } = {}): ScreenView {
    const { ctx } = this;
    const shift = ctx.shifts.current();
    const staff = shift ? ctx.roster.staff(shift.staffNo) : undefined;
    const open = ctx.invitations.open();
    const item = open?.serviceItemCode ?? null;
    const windowSeconds = ctx.settings.get('ratingWindowSeconds') ?? RATING_WINDOW_SECONDS.default;
    return {
      mode: ctx.settings.get('mode') ?? null,
      terminalName: ctx.settings.get('terminalName') ?? null,
      window: ctx.settings.get('window') ?? null,
      department: ctx.settings.get('department') ?? null,
      staff: shift ? { staffNo: shift.staffNo, name: shift.staffName, photo: staff?.photo ?? null } : null,
      paused: shift?.pausedSince !== null && shift?.pauseReason ? { reason: shift.pauseReason } : null,
      invitation: open
        ? {
            id: open.id,
            expiresAt: new Date(open.expiresAt).toISOString(),
            serviceItem: ctx.roster.itemView(item),
            caseNo: open.caseNo,
          }
        : null,
      serviceItems: ctx.roster.serviceItems(),
      reasonTags: ctx.roster.reasonTags(),
      ratingWindowSeconds: windowSeconds,
      citizenScreen: citizenScreenOf(ctx.settings.get('citizenScreen')),
      qrCode: options.qrCode && !open ? this.screenQr(windowSeconds) : null,
      keyMap: [...this.keyMap()],
    };
  }

  /** What a rater-facing device shows now: who is serving (or 暂停服务), and the seconds left to rate. */
  deviceView(): DeviceView {
    const { ctx } = this;
    const open = ctx.invitations.open();
    const left = open ? Math.ceil((open.expiresAt - ctx.now()) / 1000) : 0;
    const promptSeconds = left > 0 ? left : null;
    if (ctx.settings.get('mode') === 'terminal') {
      const name = ctx.settings.get('terminalName') ?? ctx.settings.get('department')?.name ?? '自助服务';
      return { display: name, promptSeconds };
    }
    const shift = ctx.shifts.current();
    const serving = shift && shift.pausedSince === null;
    return { display: serving ? `${shift.staffName} ${shift.staffNo}` : PAUSED_TEXT, promptSeconds };
  }

  /** Counters and the recent frame log of the serial evaluator, for the technician; null without one. */
  evaluatorDiagnostics(): EvaluatorDiagnostics | null {
    for (const input of this.inputs) if (input instanceof SerialInput) return input.diagnostics();
    return null;
  }

  /** The status of the first physical input, or of the touchscreen when that is all there is. */
  evaluatorStatus(): EvaluatorStatus {
    const statuses = this.inputs.map((i) => i.status());
    return statuses.find((s) => s.kind === 'serial') ?? statuses[0] ?? { state: 'none', kind: null };
  }

  async close(): Promise<void> {
    this.invitations.close();
    this.keyTests.close();
    await this.sync?.stop();
    await Promise.allSettled(this.inputs.map((i) => i.stop()));
    this.ctx.checkpoints.stop();
    this.ctx.db.close();
  }

  /**
   * For tests only (and the sync agent and enrolment, which are the service's own parts): the repositories and the
   * clock. Transports (local API, UI channel, technician mode) call the methods above instead.
   */
  get context(): KioskContext {
    return this.ctx;
  }

  private dispatch(event: KioskEvent): void {
    for (const input of this.inputs) {
      try {
        input.notify(event);
      } catch (error) {
        this.ctx.log.error({ err: error, input: input.kind, event: event.type }, 'an input failed to take an event');
      }
    }
    this.events.emit('event', event);
  }
}
