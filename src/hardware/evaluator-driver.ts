/**
 * The host side of the evaluator protocol v1: opens the line, keeps it alive and tells the kiosk what the device
 * does. It resends an unacknowledged host frame (a few times, then `not_responding` and the port is reopened), ACKs
 * a KEY only after the kiosk has committed it, counts a resent KEY (same SEQ, recently) once, PINGs after a silence,
 * and reconnects with a doubling backoff: the figures are DEFAULT_TIMINGS (driver-timings.ts). A USB adapter that
 * is pulled out often raises no error: the silence watchdog is what notices. Runs in Node.
 */
import { EventEmitter } from 'node:events';
import type { EvaluatorState } from '../shared/local-api.js';
import { encodeFrame, FRAME_TYPE_NAMES, FrameDecoder, FrameType, type DecodedFrame } from './frame-codec.js';
import { DEFAULT_TIMINGS, type DriverTimings } from './driver-timings.js';
import { FrameLog, type FrameLogEntry } from './frame-log.js';
import { parseAck, parseHello, parseKey, parseNak, type DeviceInfo } from './messages.js';
import type { OpenTransport, Transport } from './transport.js';

/** Minimal logger shape (pino-compatible). */
export interface DriverLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Handles a key press: resolves once the press has been committed (the driver then ACKs it); rejects if it could
 * not be stored (no ACK, so the device resends). It may resolve with a function to run right after the ACK has
 * been written (the kiosk sends THANKS then: the device must hear the ACK first).
 */
export type KeyHandler = (key: number) => Promise<void | (() => void)>;

export interface DriverCounters {
  framesIn: number;
  framesOut: number;
  crcErrors: number;
  resyncs: number;
  resends: number;
  reconnects: number;
}

/** How long the host took from reading a KEY to writing its ACK (the commit is inside), over recent presses. */
export interface PressTiming {
  presses: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

const PRESS_SAMPLES = 1000;

export interface EvaluatorDriverOptions {
  open: OpenTransport;
  onKey: KeyHandler;
  log: DriverLogger;
  timings?: Partial<DriverTimings>;
}

interface Outgoing {
  type: number;
  payload: Buffer;
  resolve(acked: boolean): void;
}

interface InFlight extends Outgoing {
  seq: number;
  bytes: Buffer;
  resends: number;
  timer: NodeJS.Timeout;
}

interface RecentKey {
  seq: number;
  at: number;
  /** Set once committed and ACKed; until then a resend is ignored (the ACK follows the commit). */
  acked: boolean;
}

export class EvaluatorDriver extends EventEmitter<{ state: [EvaluatorState]; connected: [] }> {
  readonly counters: DriverCounters = {
    framesIn: 0,
    framesOut: 0,
    crcErrors: 0,
    resyncs: 0,
    resends: 0,
    reconnects: 0,
  };
  private readonly timings: DriverTimings;
  private readonly frameLog = new FrameLog();
  private readonly pressSamples: number[] = [];
  private stateValue: EvaluatorState = 'disconnected';
  private deviceInfo: DeviceInfo | null = null;
  private line: Transport | null = null;
  private decoder = new FrameDecoder();
  private nextSeq = 0;
  private queue: Outgoing[] = [];
  private inFlight: InFlight | null = null;
  private recentKeys: RecentKey[] = [];
  private lastHeard = 0;
  private pinging = false;
  private backoffMs: number;
  private stopped = true;
  private reopenTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private partialTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EvaluatorDriverOptions) {
    super();
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.backoffMs = this.timings.reconnectMinMs;
  }

  get state(): EvaluatorState {
    return this.stateValue;
  }

  get device(): DeviceInfo | null {
    return this.deviceInfo;
  }

  /** The last FRAME_LOG_SIZE frames, oldest first, KEY frames masked, for the technician's diagnostics. */
  frames(): FrameLogEntry[] {
    return this.frameLog.list();
  }

  /** Read-to-ACK time of the last 1,000 key presses, for diagnostics and benchmarks. */
  pressTiming(): PressTiming {
    const sorted = [...this.pressSamples].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : null;
    return { presses: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.watchdog = setInterval(() => this.checkSilence(), this.timings.watchdogTickMs);
    void this.openLine();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.reopenTimer);
    clearTimeout(this.partialTimer);
    this.failOutgoing();
    const line = this.line;
    this.line = null;
    await line?.close().catch(() => undefined);
  }

  /**
   * Sends a host frame and resolves true when the device ACKs it, false if the line is down or the device never
   * answered (it is then `not_responding` and the port is reopened). Frames go out one at a time, in order.
   */
  send(type: number, payload: Buffer = Buffer.alloc(0)): Promise<boolean> {
    if (!this.line) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.queue.push({ type, payload, resolve });
      this.pump();
    });
  }

  private async openLine(): Promise<void> {
    if (this.stopped) return;
    let line: Transport;
    try {
      line = await this.options.open();
    } catch (error) {
      // A port that does not exist (yet) is retried, never fatal.
      this.options.log.warn(
        { err: (error as Error).message, retryInMs: this.backoffMs },
        'cannot open the evaluator port',
      );
      this.setState('disconnected');
      this.scheduleReopen();
      return;
    }
    if (this.stopped) {
      await line.close().catch(() => undefined);
      return;
    }
    this.line = line;
    this.decoder = new FrameDecoder();
    this.forgetKeys();
    this.lastHeard = Date.now();
    line.onData((chunk) => this.receive(line, chunk));
    line.onClose((error) => {
      if (this.line !== line) return;
      this.options.log.warn({ err: error?.message }, 'evaluator line closed');
      this.lineFailed('disconnected');
    });
    // Ask who is there: the device answers ACK then HELLO.
    const answered = await this.send(FrameType.QUERY);
    if (answered && this.line === line) this.markAlive();
  }

  private scheduleReopen(): void {
    if (this.stopped) return;
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => {
      this.counters.reconnects += 1;
      void this.openLine();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.timings.reconnectMaxMs);
  }

  private lineFailed(state: 'disconnected' | 'not_responding'): void {
    const line = this.line;
    if (!line) return;
    this.line = null;
    this.pinging = false;
    this.failOutgoing();
    this.setState(state);
    void line.close().catch(() => undefined);
    this.scheduleReopen();
  }

  private failOutgoing(): void {
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer);
      this.inFlight.resolve(false);
      this.inFlight = null;
    }
    for (const o of this.queue.splice(0)) o.resolve(false);
  }

  private markAlive(): void {
    this.lastHeard = Date.now();
    if (this.stateValue !== 'connected') {
      this.backoffMs = this.timings.reconnectMinMs;
      this.setState('connected');
      this.emit('connected');
    }
  }

  private setState(state: EvaluatorState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.options.log.info({ state }, 'evaluator state');
    this.emit('state', state);
  }

  private pump(): void {
    const line = this.line;
    if (this.inFlight || !line) return;
    const next = this.queue.shift();
    if (!next) return;
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) & 0xff;
    const bytes = encodeFrame({ type: next.type, seq, payload: next.payload });
    const inFlight: InFlight = {
      ...next,
      seq,
      bytes,
      resends: 0,
      timer: setTimeout(() => this.resend(), this.timings.resendMs),
    };
    this.inFlight = inFlight;
    this.write(bytes, next.type);
  }

  private resend(): void {
    const f = this.inFlight;
    if (!f) return;
    if (f.resends >= this.timings.maxResends) {
      this.options.log.warn({ type: FRAME_TYPE_NAMES[f.type], seq: f.seq }, 'evaluator did not acknowledge');
      this.lineFailed('not_responding');
      return;
    }
    f.resends += 1;
    this.counters.resends += 1;
    f.timer = setTimeout(() => this.resend(), this.timings.resendMs);
    this.write(f.bytes, f.type);
  }

  private write(bytes: Buffer, type: number): void {
    this.counters.framesOut += 1;
    this.frameLog.record('out', type, bytes);
    this.line?.write(bytes);
  }

  private receive(line: Transport, chunk: Buffer): void {
    if (this.line !== line) return;
    const receivedAt = performance.now();
    const before = this.decoder.stats;
    const crc = before.crcErrors;
    const resyncs = before.resyncs;
    const frames = this.decoder.push(chunk);
    this.counters.crcErrors += this.decoder.stats.crcErrors - crc;
    this.counters.resyncs += this.decoder.stats.resyncs - resyncs;
    for (const frame of frames) this.handle(frame, receivedAt);
    clearTimeout(this.partialTimer);
    if (this.decoder.pending) this.partialTimer = setTimeout(() => this.receive(line, Buffer.alloc(0)), 110);
  }

  private handle(frame: DecodedFrame, receivedAt: number): void {
    this.counters.framesIn += 1;
    this.frameLog.record('in', frame.type, frame.raw);
    this.markAlive();
    switch (frame.type) {
      case FrameType.ACK: {
        const seq = parseAck(frame.payload);
        const f = this.inFlight;
        if (f && seq === f.seq) {
          clearTimeout(f.timer);
          this.inFlight = null;
          f.resolve(true);
          this.pump();
        }
        return;
      }
      case FrameType.NAK: {
        const nak = parseNak(frame.payload);
        const f = this.inFlight;
        this.options.log.warn({ nak }, 'evaluator refused a frame');
        if (f && nak?.seq === f.seq) {
          clearTimeout(f.timer);
          this.inFlight = null;
          f.resolve(false);
          this.pump();
        }
        return;
      }
      case FrameType.HELLO: {
        const info = parseHello(frame.payload);
        if (info) this.deviceInfo = info;
        this.forgetKeys();
        this.ack(frame.seq);
        return;
      }
      case FrameType.KEY:
        this.key(frame, receivedAt);
        return;
      case FrameType.HEARTBEAT:
        return;
      default:
        this.options.log.warn({ type: frame.type }, 'unknown frame type from the evaluator');
    }
  }

  private key(frame: DecodedFrame, receivedAt: number): void {
    const now = Date.now();
    this.recentKeys = this.recentKeys.filter((k) => now - k.at <= this.timings.keyDedupeMs);
    const seen = this.recentKeys.find((k) => k.seq === frame.seq);
    if (seen) {
      // A resend: ACK again if already committed; if the commit is still under way, its ACK will follow.
      if (seen.acked) this.ack(frame.seq);
      return;
    }
    const key = parseKey(frame.payload);
    if (key === null) {
      // Not a key 1–5: never a rating. Left unacknowledged (the protocol gives the host no NAK).
      // Its length only: the payload of a KEY frame is never logged, not even a malformed one.
      this.options.log.warn({ length: frame.payload.length }, 'KEY frame with a bad payload');
      return;
    }
    const entry: RecentKey = { seq: frame.seq, at: now, acked: false };
    this.recentKeys.push(entry);
    if (this.recentKeys.length > this.timings.keyDedupeCount) this.recentKeys.shift();
    const line = this.line;
    this.options.onKey(key).then(
      (afterAck) => {
        entry.acked = true;
        // The ACK goes only on the line the press came from. After a reconnect the device has stopped resending:
        // the rating is stored, unacknowledged, and a press again finds the invitation rated (a stray).
        if (this.line !== line) return;
        this.ack(frame.seq);
        this.pressSamples.push(performance.now() - receivedAt);
        if (this.pressSamples.length > PRESS_SAMPLES) this.pressSamples.shift();
        afterAck?.();
      },
      (error: unknown) => {
        // Not stored: forget it so the device's resend is taken as new, and do not ACK.
        this.recentKeys = this.recentKeys.filter((k) => k !== entry);
        this.options.log.warn({ err: (error as Error).message }, 'a key press could not be stored; not acknowledged');
      },
    );
  }

  /**
   * Resends are recognised by SEQ on one connection only. A device that was unplugged or restarted numbers its
   * frames from 0 again, so a new press may carry the SEQ of one just before: taking it for a resend would ACK a
   * rating that was never stored (the soak found this). Forgetting is safe: a device resends a KEY for 750 ms
   * (4 sends, 250 ms apart) and the host reopens a line 1 s after losing it at the soonest, so no resend straddles
   * a reconnect; and a HELLO mid-line means the device has just started, with nothing left to resend.
   */
  private forgetKeys(): void {
    this.recentKeys = [];
  }

  private ack(seq: number): void {
    this.write(encodeFrame({ type: FrameType.ACK, seq: this.takeSeq(), payload: Buffer.from([seq]) }), FrameType.ACK);
  }

  private takeSeq(): number {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) & 0xff;
    return seq;
  }

  private checkSilence(): void {
    if (!this.line || this.pinging || this.stateValue !== 'connected') return;
    if (Date.now() - this.lastHeard < this.timings.silenceMs) return;
    this.pinging = true;
    void this.send(FrameType.PING).then(() => {
      this.pinging = false;
    });
  }
}
