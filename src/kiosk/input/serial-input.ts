/**
 * The five-key counter evaluator on a serial line, as a rater input. It maps kiosk events to the device: an
 * invitation opened → PROMPT with the seconds left; a rating by key → the rating commits, then the ACK, then
 * THANKS; expiry or cancel → IDLE; login or resume → DISPLAY the staff name and number; pause or logout → DISPLAY
 * 暂停服务. After every (re)connection it brings the device up to date. A press with no invitation open is ACKed
 * and logged as a stray press. Runs in Node.
 */
import type { KioskEvent } from '../../shared/kiosk-events.js';
import { levelForKey } from '../../shared/key-map.js';
import type { EvaluatorStatus } from '../../shared/local-api.js';
import type { DriverTimings } from '../../hardware/driver-timings.js';
import { EvaluatorDriver, type DriverCounters, type PressTiming } from '../../hardware/evaluator-driver.js';
import type { FrameLogEntry } from '../../hardware/frame-log.js';
import { FrameType } from '../../hardware/frame-codec.js';
import { displayPayload, promptPayload } from '../../hardware/messages.js';
import type { OpenTransport } from '../../hardware/transport.js';
import type { Logger } from '../../common/logger.js';
import type { PressHandler, RaterInput } from './rater-input.js';

/** What the device should show now; asked after every (re)connection. */
export interface DeviceView {
  display: string;
  /** Seconds left on the open invitation, or null when none is open. */
  promptSeconds: number | null;
}

export interface SerialInputOptions {
  open: OpenTransport;
  /** The level of each key, left to right (read on every press, so configuration changes apply at once). */
  keyMap: () => readonly number[];
  view: () => DeviceView;
  log: Logger;
  timings?: Partial<DriverTimings>;
}

export interface EvaluatorDiagnostics {
  counters: DriverCounters;
  /** Read-to-ACK time of recent key presses (the rating's commit is inside). */
  pressTiming: PressTiming;
  frames: FrameLogEntry[];
}

export const PAUSED_TEXT = '暂停服务';

export class SerialInput implements RaterInput {
  readonly kind = 'serial';
  private driver: EvaluatorDriver | undefined;

  constructor(private readonly options: SerialInputOptions) {}

  async start(onPress: PressHandler): Promise<void> {
    const { log } = this.options;
    const driver = new EvaluatorDriver({
      open: this.options.open,
      log,
      timings: this.options.timings,
      onKey: async (key) => {
        const level = levelForKey(key, this.options.keyMap());
        // The driver logs this message: it names no key (a key is a rating's level in all but name).
        if (level === null) throw new Error('a key has no level in the key map');
        const outcome = await onPress({ level, source: 'serial', key });
        // The rating has committed: the driver ACKs now, and THANKS follows the ACK.
        return outcome.kind === 'rated' ? () => void driver.send(FrameType.THANKS) : undefined;
      },
    });
    driver.on('connected', () => this.sync());
    this.driver = driver;
    driver.start();
  }

  async stop(): Promise<void> {
    await this.driver?.stop();
  }

  notify(event: KioskEvent): void {
    const driver = this.driver;
    if (!driver) return;
    switch (event.type) {
      case 'invitation.opened':
        void driver.send(FrameType.PROMPT, promptPayload(event.invitation.seconds, true));
        return;
      case 'invitation.rated':
        // A rating by this evaluator's key gets THANKS right after its ACK (see start); one from elsewhere now.
        if (event.source !== 'serial') void driver.send(FrameType.THANKS);
        return;
      case 'invitation.expired':
      case 'invitation.cancelled':
        void driver.send(FrameType.IDLE);
        return;
      case 'shift.started':
      case 'shift.resumed':
        void driver.send(FrameType.DISPLAY, displayPayload(`${event.shift.name} ${event.shift.staffNo}`));
        return;
      case 'shift.paused':
      case 'shift.ended':
        void driver.send(FrameType.DISPLAY, displayPayload(PAUSED_TEXT));
        return;
      case 'config.changed':
        this.sync();
        return;
      case 'press.stray':
        return;
    }
  }

  status(): EvaluatorStatus {
    const driver = this.driver;
    if (!driver) return { state: 'none', kind: 'serial' };
    const device = driver.device;
    return { state: driver.state, kind: 'serial', ...(device ?? {}) };
  }

  diagnostics(): EvaluatorDiagnostics | null {
    const driver = this.driver;
    if (!driver) return null;
    return { counters: { ...driver.counters }, pressTiming: driver.pressTiming(), frames: driver.frames() };
  }

  /** Brings a (re)connected device up to date with what the kiosk shows. */
  private sync(): void {
    const driver = this.driver;
    if (!driver) return;
    const view = this.options.view();
    void driver.send(FrameType.DISPLAY, displayPayload(view.display));
    if (view.promptSeconds !== null) void driver.send(FrameType.PROMPT, promptPayload(view.promptSeconds, false));
    else void driver.send(FrameType.IDLE);
  }
}
