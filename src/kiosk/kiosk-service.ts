/**
 * The kiosk service: one object that owns the database and composes shifts, invitations, provisioning and the rater
 * inputs. Transports (the local HTTP API, the UI channel) call its methods; nothing here knows about them, and
 * nothing here depends on Electron. Runs in Node.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceConfig } from '../shared/device-config.js';
import { DEFAULT_KEY_MAP } from '../shared/key-map.js';
import { KioskError } from '../shared/kiosk-errors.js';
import type { KioskEvent } from '../shared/kiosk-events.js';
import type { EvaluatorStatus, StatusView } from '../shared/local-api.js';
import type { ScreenView } from '../shared/ui-contract.js';
import { createContext, hasRoom, transact, type KioskContext } from './context.js';
import { uuidv7 } from '../common/ids.js';
import type { RaterInput } from './input/rater-input.js';
import { PAUSED_TEXT, SerialInput, type DeviceView, type EvaluatorDiagnostics } from './input/serial-input.js';
import { InvitationService, type Press, type PressOutcome } from './invitation-service.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { Sealer } from '../common/data-key.js';
import { hashPin } from '../common/pin-hash.js';
import { openDatabase, type Database } from './store/database.js';
import { ShiftService, shiftView } from './shift-service.js';
import type { SyncAgent } from './sync/sync-agent.js';
import { APP_VERSION } from './version.js';

export interface KioskServiceOptions {
  /** Folder for the database and the device data key; created if missing. */
  dataDir: string;
  logger?: Logger;
  /** SQLite `max_page_count`, to cap the database size (simulates a full disk in tests). */
  maxPageCount?: number;
}

export class KioskService {
  readonly shifts: ShiftService;
  readonly invitations: InvitationService;
  private readonly ctx: KioskContext;
  private readonly events = new EventEmitter<{ event: [KioskEvent] }>();
  private readonly inputs: RaterInput[] = [];
  private sync: SyncAgent | undefined;
  private keyTests = 0;

  private constructor(db: Database, sealer: Sealer, log: Logger) {
    this.ctx = createContext(db, sealer, log, (event) => this.dispatch(event));
    this.shifts = new ShiftService(this.ctx);
    this.invitations = new InvitationService(this.ctx);
  }

  static open(options: KioskServiceOptions): KioskService {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const log = (options.logger ?? silentLogger).child({ module: 'kiosk' });
    const db = openDatabase(join(options.dataDir, 'kiosk.db'), { maxPageCount: options.maxPageCount });
    const sealer = Sealer.fromFile(join(options.dataDir, 'data.key'));
    const service = new KioskService(db, sealer, log);
    const { ctx } = service;
    if (!ctx.settings.get('deviceId')) transact(ctx, () => ctx.settings.set('deviceId', uuidv7()));
    service.invitations.recover();
    return service;
  }

  get deviceId(): string {
    return this.ctx.settings.get('deviceId')!;
  }

  /** The level of each evaluator key, left to right: the technician's order, else the configuration's. */
  keyMap(): readonly number[] {
    return this.ctx.settings.get('keyMapOverride') ?? this.ctx.settings.get('keyMap') ?? DEFAULT_KEY_MAP;
  }

  /**
   * Technician mode's key test: while on (for any technician screen), presses are shown to technicians and not
   * recorded, neither as ratings nor as stray presses. Returns the function that ends this screen's test.
   */
  startKeyTest(): () => void {
    this.keyTests += 1;
    let on = true;
    return () => {
      if (on) this.keyTests -= 1;
      on = false;
    };
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
      ctx.settings.set('keyMap', config.keyMap);
      ctx.settings.set('updateFeedUrl', config.updateFeedUrl ?? null);
      ctx.settings.set('provisionedAt', new Date(ctx.now()).toISOString());
      ctx.roster.replaceAll(
        staff,
        config.serviceItems.map((i) => ({ code: i.code, name: i.name, departmentCode: i.departmentCode ?? null })),
        config.reasonTags,
      );
    });
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

  /** Starts a rater input; its presses go through `press`. */
  async addInput(input: RaterInput): Promise<void> {
    this.inputs.push(input);
    await input.start(async (press) => this.press(press));
  }

  /** Takes a press from any input. See InvitationService.press for the durability contract. */
  press(press: Press): PressOutcome {
    if (this.keyTests > 0) {
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
      queue: ctx.outbox.status(),
      central: this.sync
        ? { state: this.sync.status().state, lastError: this.sync.status().lastError }
        : { state: 'not_enrolled', lastError: null },
      storage: { full: ctx.storage.full || !hasRoom(ctx) },
    };
  }

  /** What the screens show now (src/shared/ui-contract.ts ScreenView). */
  screenView(): ScreenView {
    const { ctx } = this;
    const shift = ctx.shifts.current();
    const staff = shift ? ctx.roster.staff(shift.staffNo) : undefined;
    const open = ctx.invitations.open();
    const item = open?.serviceItemCode ?? null;
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
            serviceItem: item ? { code: item, name: ctx.roster.serviceItem(item)?.name ?? null } : null,
            caseNo: open.caseNo,
          }
        : null,
      serviceItems: ctx.roster.serviceItems(),
      reasonTags: ctx.roster.reasonTags(),
      ratingWindowSeconds: ctx.settings.get('ratingWindowSeconds') ?? 20,
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
    await this.sync?.stop();
    await Promise.allSettled(this.inputs.map((i) => i.stop()));
    this.ctx.checkpoints.stop();
    this.ctx.db.close();
  }

  /** Test and diagnostics access to the context (repositories, clock). */
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
