import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Modbus } from './crc16.js';
import { encodeFrame, FrameDecoder, FrameEncodeError, FrameType, type Frame } from './frame-codec.js';

const frameArb = fc.record({
  type: fc.integer({ min: 0, max: 255 }),
  seq: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
});

const plain = (frames: Frame[]) => frames.map((f) => ({ type: f.type, seq: f.seq, payload: [...f.payload] }));

describe('CRC-16/MODBUS', () => {
  it('matches the catalogue check value', () => {
    expect(crc16Modbus(Buffer.from('123456789'))).toBe(0x4b37);
  });
});

describe('frame codec', () => {
  it('encodes the documented example: KEY 3 with SEQ 7', () => {
    // AA 55 | 01 02 07 01 | 03 | CRC over 01 02 07 01 03, low byte first
    const bytes = encodeFrame({ type: FrameType.KEY, seq: 7, payload: Buffer.from([3]) });
    const crc = crc16Modbus(Buffer.from([0x01, 0x02, 0x07, 0x01, 0x03]));
    expect([...bytes]).toEqual([0xaa, 0x55, 0x01, 0x02, 0x07, 0x01, 0x03, crc & 0xff, crc >> 8]);
  });

  it('refuses to encode what the protocol cannot carry, naming it', () => {
    expect(() => encodeFrame({ type: 2, seq: 256, payload: Buffer.alloc(0) })).toThrow(FrameEncodeError);
    expect(() => encodeFrame({ type: 2, seq: 0, payload: Buffer.alloc(201) })).toThrow(/200-byte limit/);
  });

  it('never throws on any byte stream, however it is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const decoder = new FrameDecoder();
        let t = 0;
        for (const chunk of chunks) decoder.push(chunk, (t += 7));
        decoder.expire(t + 1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes frames split at every possible chunk boundary the same as whole', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 4 }), (frames) => {
        const bytes = Buffer.concat(frames.map(encodeFrame));
        const whole = new FrameDecoder().push(bytes, 0);
        expect(plain(whole)).toEqual(plain(frames));
        for (let cut = 1; cut < bytes.length; cut++) {
          const decoder = new FrameDecoder();
          const split = [...decoder.push(bytes.subarray(0, cut), 0), ...decoder.push(bytes.subarray(cut), 1)];
          expect(plain(split)).toEqual(plain(frames));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('only ever yields frames with a valid CRC, from any byte stream', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 40 }),
            frameArb.map((f) => new Uint8Array(encodeFrame(f))),
          ),
        ),
        (parts) => {
          const decoder = new FrameDecoder();
          const frames = parts.flatMap((p, i) => decoder.push(p, i));
          for (const f of frames) {
            const end = f.raw.length - 2;
            expect(crc16Modbus(f.raw, 2, end)).toBe(f.raw.readUInt16LE(end));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds a valid frame after random garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), frameArb, (garbage, frame) => {
        const decoder = new FrameDecoder();
        const found = decoder.push(Buffer.concat([garbage, encodeFrame(frame)]), 0);
        // Garbage that looks like the start of a long frame can hold the real one back until it goes stale.
        for (let t = 101; decoder.pending && t < 101 * 1000; t += 101) found.push(...decoder.expire(t));
        expect(plain(found).at(-1)).toEqual(plain([frame])[0]);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a frame hidden behind a corrupt one (drops one byte, not the rest)', () => {
    const good = encodeFrame({ type: FrameType.KEY, seq: 9, payload: Buffer.from([2]) });
    const corrupt = Buffer.from(encodeFrame({ type: FrameType.HEARTBEAT, seq: 8, payload: Buffer.alloc(0) }));
    corrupt[corrupt.length - 1]! ^= 0xff;
    const decoder = new FrameDecoder();
    const frames = decoder.push(Buffer.concat([corrupt, good]), 0);
    expect(plain(frames)).toEqual([{ type: FrameType.KEY, seq: 9, payload: [2] }]);
    expect(decoder.stats.crcErrors).toBe(1);
  });

  it('skips a header with an unknown version or a length over 200', () => {
    const good = encodeFrame({ type: FrameType.HEARTBEAT, seq: 1, payload: Buffer.alloc(0) });
    const decoder = new FrameDecoder();
    const frames = decoder.push(
      Buffer.concat([
        Buffer.from([0xaa, 0x55, 0x02, 0x03, 0x00, 0x00]),
        Buffer.from([0xaa, 0x55, 0x01, 0x02, 0x00, 201]),
        good,
      ]),
      0,
    );
    expect(frames).toHaveLength(1);
    expect(decoder.stats.resyncs).toBeGreaterThan(0);
  });

  it('gives up a partial frame after 100 ms', () => {
    const bytes = encodeFrame({ type: FrameType.KEY, seq: 1, payload: Buffer.from([1]) });
    const decoder = new FrameDecoder();
    expect(decoder.push(bytes.subarray(0, 5), 0)).toEqual([]);
    expect(decoder.pending).toBe(true);
    // The rest arrives too late: the stale head was dropped, so these bytes alone are no frame.
    expect(decoder.push(bytes.subarray(5), 150)).toEqual([]);
    expect(decoder.expire(400)).toEqual([]);
    expect(decoder.pending).toBe(false);
    // Within 100 ms it completes.
    const again = new FrameDecoder();
    again.push(bytes.subarray(0, 5), 0);
    expect(again.push(bytes.subarray(5), 100)).toHaveLength(1);
  });
});
