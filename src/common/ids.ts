/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids made on one device sort by creation time,
 * which keeps the outbox and the centre's indexes append-mostly. Within one millisecond a 12-bit counter in
 * `rand_a` keeps ids from this process strictly increasing. Runs in Node.
 */
import { randomFillSync } from 'node:crypto';

let lastMs = -1;
let counter = 0;
const bytes = Buffer.alloc(16);

export function uuidv7(now: number = Date.now()): string {
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next millisecond rather than repeat.
      ms = lastMs + 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  randomFillSync(bytes, 8, 8);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export { UUID_PATTERN } from '../shared/ids.js';
