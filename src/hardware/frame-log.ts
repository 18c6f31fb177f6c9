/**
 * The evaluator driver's frame log: the last frames in and out, for the technician's diagnostics. The key of a KEY
 * frame is a rating's level in all but name, so it never enters the log: see FrameLogEntry. Runs in Node.
 */
import { FRAME_TYPE_NAMES, FrameType } from './frame-codec.js';

/** AA 55, VER, TYPE, SEQ, LEN: what of a KEY frame the frame log keeps. */
const FRAME_HEADER_BYTES = 6;

/** How many frames the log keeps; the oldest go first. */
export const FRAME_LOG_SIZE = 200;

/**
 * One frame as the diagnostics show it. The key of a KEY frame is a rating's level in all but name, so it is never
 * kept: its payload is masked (`••` a byte), and so is its CRC, which with the SEQ and LEN beside it would name the
 * key among five candidates. Its length and the fact that it passed the CRC (it would not be logged otherwise) stay.
 */
export interface FrameLogEntry {
  /** When the frame was sent or received (ISO 8601). */
  at: string;
  dir: 'in' | 'out';
  /** The frame type's name (`KEY`, `ACK`…), or its number in hex for a type the protocol does not name. */
  type: string;
  /** The frame's bytes in hex; a KEY frame's payload and CRC as `••` a byte. */
  hex: string;
}

/** A KEY frame's header in hex, then `••` for each byte of its payload and CRC (see FrameLogEntry). */
export function maskedKeyFrame(bytes: Buffer): string {
  return bytes.subarray(0, FRAME_HEADER_BYTES).toString('hex') + '••'.repeat(bytes.length - FRAME_HEADER_BYTES);
}

/** A ring of the last FRAME_LOG_SIZE frames, KEY frames masked as they are recorded. */
export class FrameLog {
  private readonly entries: FrameLogEntry[] = [];

  /** Records a whole frame (its raw bytes, header to CRC) sent (`out`) or received (`in`). */
  record(dir: 'in' | 'out', type: number, bytes: Buffer): void {
    this.entries.push({
      at: new Date().toISOString(),
      dir,
      type: FRAME_TYPE_NAMES[type] ?? `0x${type.toString(16).padStart(2, '0')}`,
      hex: type === FrameType.KEY ? maskedKeyFrame(bytes) : bytes.toString('hex'),
    });
    if (this.entries.length > FRAME_LOG_SIZE) this.entries.shift();
  }

  /** The frames kept, oldest first (a copy). */
  list(): FrameLogEntry[] {
    return [...this.entries];
  }
}
