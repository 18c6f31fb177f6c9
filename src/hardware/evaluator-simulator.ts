/**
 * The device side of the evaluator protocol v1: a software five-key evaluator for `hcp sim`, demos, tests and
 * benchmarks. It says HELLO at power-up and on QUERY, sends a HEARTBEAT every 2 s, ACKs every host frame at once,
 * and sends each key press as a KEY frame resent (same SEQ) every 250 ms until ACKed, at most 4 sends in all.
 * Runs in Node.
 */
import { EventEmitter } from 'node:events';
import { encodeFrame, FrameDecoder, FrameType, type DecodedFrame } from './frame-codec.js';
import {
  helloPayload,
  MAX_DISPLAY_BYTES,
  NAK_BAD_PAYLOAD,
  NAK_UNKNOWN_TYPE,
  parseAck,
  parsePrompt,
  type DeviceInfo,
} from './messages.js';
import type { OpenTransport, Transport } from './transport.js';

export interface SimulatorOptions {
  open: OpenTransport;
  info?: DeviceInfo;
  /** Heartbeat period; the protocol asks for at least every 5 s. */
  heartbeatMs?: number;
  /** KEY resend period and the most sends of one press. */
  keyResendMs?: number;
  keySends?: number;
}

export interface PressResult {
  /** True when the host ACKed the KEY. */
  acked: boolean;
  /** How many times the KEY frame went out. */
  sends: number;
  /** The KEY frame's SEQ. */
  seq: number;
}

/** What the device shows, as a person at the counter would see it. */
export interface SimulatorView {
  /** Keys lit and the prompt shown, until this time (ms). */
  promptUntil: number | null;
  display: string;
  lastSpoken: string | null;
}

export const DEFAULT_DEVICE: DeviceInfo = { model: 'HCP-SIM-5', firmware: '1.0.0', serial: 'SIM0001' };

export class EvaluatorSimulator extends EventEmitter<{
  prompt: [{ seconds: number; speak: boolean }];
  thanks: [];
  idle: [];
  display: [string];
  frame: [DecodedFrame];
  closed: [];
}> {
  /** When true the device stays silent: no ACKs, no heartbeats (a hung device). */
  mute = false;
  readonly view: SimulatorView = { promptUntil: null, display: '', lastSpoken: null };
  private line: Transport | null = null;
  private readonly decoder = new FrameDecoder();
  private seq = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly waitingAcks = new Map<number, () => void>();
  private lastHostFrame = '';

  constructor(private readonly options: SimulatorOptions) {
    super();
  }

  async start(): Promise<void> {
    const line = await this.options.open();
    this.line = line;
    line.onData((chunk) => {
      for (const frame of this.decoder.push(chunk)) this.handle(frame);
    });
    line.onClose(() => {
      if (this.line !== line) return;
      this.line = null;
      clearInterval(this.heartbeat);
      this.emit('closed');
    });
    this.sendFrame(FrameType.HELLO, helloPayload(this.options.info ?? DEFAULT_DEVICE));
    this.heartbeat = setInterval(() => this.sendFrame(FrameType.HEARTBEAT), this.options.heartbeatMs ?? 2_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    const line = this.line;
    this.line = null;
    await line?.close();
  }

  get connected(): boolean {
    return this.line !== null;
  }

  /** Presses key `key` (1–5 from the left): sends KEY until ACKed, at most `keySends` times. */
  press(key: number): Promise<PressResult> {
    return this.pressRaw(Buffer.from([key]));
  }

  /** Sends a KEY with any payload (tests use it for malformed ones). */
  pressRaw(payload: Buffer): Promise<PressResult> {
    const seq = this.takeSeq();
    const bytes = encodeFrame({ type: FrameType.KEY, seq, payload });
    const maxSends = this.options.keySends ?? 4;
    const every = this.options.keyResendMs ?? 250;
    return new Promise((resolve) => {
      let sends = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (acked: boolean) => {
        clearTimeout(timer);
        this.waitingAcks.delete(seq);
        resolve({ acked, sends, seq });
      };
      const send = () => {
        if (sends >= maxSends) return finish(false);
        sends += 1;
        this.writeRaw(bytes);
        timer = setTimeout(send, every);
      };
      this.waitingAcks.set(seq, () => finish(true));
      send();
    });
  }

  /** Writes bytes as they are: garbage, corrupt frames, resends of an old frame. */
  writeRaw(bytes: Buffer): void {
    if (!this.mute) this.line?.write(bytes);
  }

  private handle(frame: DecodedFrame): void {
    this.emit('frame', frame);
    if (frame.type === FrameType.ACK) {
      const seq = parseAck(frame.payload);
      if (seq !== null) this.waitingAcks.get(seq)?.();
      return;
    }
    if (this.mute) return;
    const known: number[] = [
      FrameType.QUERY,
      FrameType.PING,
      FrameType.PROMPT,
      FrameType.THANKS,
      FrameType.IDLE,
      FrameType.DISPLAY,
    ];
    if (!known.includes(frame.type)) {
      this.sendFrame(FrameType.NAK, Buffer.from([frame.seq, NAK_UNKNOWN_TYPE]));
      return;
    }
    const prompt = frame.type === FrameType.PROMPT ? parsePrompt(frame.payload) : null;
    const bad =
      (frame.type === FrameType.PROMPT && !prompt) ||
      (frame.type === FrameType.DISPLAY && frame.payload.length > MAX_DISPLAY_BYTES) ||
      (([FrameType.QUERY, FrameType.PING, FrameType.THANKS, FrameType.IDLE] as number[]).includes(frame.type) &&
        frame.payload.length !== 0);
    if (bad) {
      this.sendFrame(FrameType.NAK, Buffer.from([frame.seq, NAK_BAD_PAYLOAD]));
      return;
    }
    this.sendFrame(FrameType.ACK, Buffer.from([frame.seq]));
    // A resent host frame (our ACK was lost) is acknowledged again but not acted on twice.
    const raw = frame.raw.toString('hex');
    const repeat = this.lastHostFrame === raw && frame.type !== FrameType.QUERY;
    this.lastHostFrame = raw;
    if (repeat) return;
    switch (frame.type) {
      case FrameType.QUERY:
        this.sendFrame(FrameType.HELLO, helloPayload(this.options.info ?? DEFAULT_DEVICE));
        return;
      case FrameType.PROMPT:
        this.view.promptUntil = Date.now() + prompt!.seconds * 1000;
        if (prompt!.speak) this.view.lastSpoken = '请对本次服务做出评价';
        this.emit('prompt', prompt!);
        return;
      case FrameType.THANKS:
        this.view.promptUntil = null;
        this.view.lastSpoken = '谢谢您的评价';
        this.emit('thanks');
        return;
      case FrameType.IDLE:
        this.view.promptUntil = null;
        this.emit('idle');
        return;
      case FrameType.DISPLAY:
        this.view.display = frame.payload.toString('utf8');
        this.emit('display', this.view.display);
        return;
    }
  }

  private sendFrame(type: number, payload: Buffer = Buffer.alloc(0)): void {
    this.writeRaw(encodeFrame({ type, seq: this.takeSeq(), payload }));
  }

  private takeSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }
}
