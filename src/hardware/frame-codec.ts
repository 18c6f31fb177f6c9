/**
 * HCP evaluator serial protocol v1, framing (docs/hardware-protocol.md):
 *
 *   AA 55 | VER 01 | TYPE | SEQ | LEN (0–200) | PAYLOAD (LEN bytes) | CRC-16/MODBUS over VER..PAYLOAD, low byte first
 *
 * The decoder hunts for AA 55. An unknown VER, a LEN over 200 or a CRC mismatch drops one byte and hunts again from
 * the next, so a good frame hidden behind garbage is still found. A partial frame older than 100 ms is given up
 * the same way (its first byte dropped, the rest searched again). Runs in Node.
 */
import { crc16Modbus } from './crc16.js';

export const SYNC_1 = 0xaa;
export const SYNC_2 = 0x55;
export const PROTOCOL_VERSION = 0x01;
export const MAX_PAYLOAD = 200;
const HEADER = 6;
const TRAILER = 2;

/** Frame types, device → host and host → device. */
export const FrameType = {
  HELLO: 0x01,
  KEY: 0x02,
  HEARTBEAT: 0x03,
  ACK: 0x06,
  NAK: 0x15,
  QUERY: 0x81,
  PROMPT: 0x82,
  THANKS: 0x83,
  IDLE: 0x84,
  DISPLAY: 0x85,
  PING: 0x86,
} as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(FrameType).map(([name, code]) => [code, name]),
);

export interface Frame {
  type: number;
  /** The sender's frame number, 0–255, wrapping. */
  seq: number;
  payload: Buffer;
}

export class FrameEncodeError extends Error {
  override readonly name = 'FrameEncodeError';
  readonly code = 'frame_invalid';
}

export function encodeFrame(frame: Frame): Buffer {
  const { type, seq, payload } = frame;
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new FrameEncodeError(`type ${type} is not a byte`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 255) throw new FrameEncodeError(`seq ${seq} is not a byte`);
  if (payload.length > MAX_PAYLOAD) {
    throw new FrameEncodeError(`payload of ${payload.length} bytes is over the ${MAX_PAYLOAD}-byte limit`);
  }
  const out = Buffer.alloc(HEADER + payload.length + TRAILER);
  out[0] = SYNC_1;
  out[1] = SYNC_2;
  out[2] = PROTOCOL_VERSION;
  out[3] = type;
  out[4] = seq;
  out[5] = payload.length;
  payload.copy(out, HEADER);
  out.writeUInt16LE(crc16Modbus(out, 2, HEADER + payload.length), HEADER + payload.length);
  return out;
}

export interface DecoderStats {
  /** Frames decoded. */
  frames: number;
  /** Candidate frames whose CRC did not match. */
  crcErrors: number;
  /** Times bytes were skipped to find the next AA 55 (garbage, bad VER or LEN, CRC errors, stale partials). */
  resyncs: number;
}

export interface DecoderOptions {
  /** A partial frame older than this is given up, in milliseconds. Default 100. */
  partialTimeoutMs?: number;
}

/** A decoded frame and its bytes as they were on the line. */
export interface DecodedFrame extends Frame {
  raw: Buffer;
}

export class FrameDecoder {
  readonly stats: DecoderStats = { frames: 0, crcErrors: 0, resyncs: 0 };
  private buffer: Buffer = Buffer.alloc(0);
  /** When the bytes now at the head of the buffer started to arrive. */
  private partialSince = 0;
  private readonly partialTimeoutMs: number;

  constructor(options: DecoderOptions = {}) {
    this.partialTimeoutMs = options.partialTimeoutMs ?? 100;
  }

  /** True while bytes of an unfinished frame are held. */
  get pending(): boolean {
    return this.buffer.length > 0;
  }

  /** Feeds bytes read at time `now`; returns the frames they complete. Never throws. */
  push(chunk: Uint8Array, now: number = Date.now()): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    this.expireStale(now, frames);
    if (chunk.length === 0) return frames;
    if (this.buffer.length === 0) this.partialSince = now;
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    this.drain(frames, now);
    return frames;
  }

  /** Gives up a partial frame older than the timeout (call it from a timer); returns frames found behind it. */
  expire(now: number = Date.now()): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    this.expireStale(now, frames);
    return frames;
  }

  private expireStale(now: number, frames: DecodedFrame[]): void {
    while (this.buffer.length > 0 && now - this.partialSince > this.partialTimeoutMs) {
      this.skip(1, now);
      this.drain(frames, now);
    }
  }

  private drain(frames: DecodedFrame[], now: number): void {
    for (;;) {
      const start = this.findSync();
      if (start < 0) {
        // No AA 55: keep a trailing AA, which may be the first half of one.
        const keep = this.buffer.at(-1) === SYNC_1 ? 1 : 0;
        if (this.buffer.length > keep) this.skip(this.buffer.length - keep, now);
        return;
      }
      if (start > 0) this.skip(start, now);
      const buf = this.buffer;
      if (buf.length < HEADER) return;
      const len = buf[5]!;
      if (buf[2] !== PROTOCOL_VERSION || len > MAX_PAYLOAD) {
        this.skip(1, now);
        continue;
      }
      const total = HEADER + len + TRAILER;
      if (buf.length < total) return;
      if (crc16Modbus(buf, 2, HEADER + len) !== buf.readUInt16LE(HEADER + len)) {
        this.stats.crcErrors += 1;
        this.skip(1, now);
        continue;
      }
      const raw = Buffer.from(buf.subarray(0, total));
      frames.push({ type: raw[3]!, seq: raw[4]!, payload: raw.subarray(HEADER, HEADER + len), raw });
      this.stats.frames += 1;
      this.buffer = buf.subarray(total);
      this.partialSince = now;
    }
  }

  private findSync(): number {
    const buf = this.buffer;
    for (let i = 0; i + 1 < buf.length; i++) if (buf[i] === SYNC_1 && buf[i + 1] === SYNC_2) return i;
    return -1;
  }

  private skip(count: number, now: number): void {
    this.stats.resyncs += 1;
    this.buffer = this.buffer.subarray(count);
    this.partialSince = now;
  }
}
