/**
 * Payloads of the evaluator protocol v1 (docs/hardware-protocol.md): building the host's, parsing the device's.
 * Parsers return null for a payload that does not fit its type (the receiver answers NAK reason 2). Runs in Node.
 */
export const NAK_UNKNOWN_TYPE = 1;
export const NAK_BAD_PAYLOAD = 2;

/** Prompt flag: speak "请对本次服务做出评价". */
export const PROMPT_SPEAK = 0x01;
export const MAX_DISPLAY_BYTES = 64;
const MAX_HELLO_FIELD = 32;

export interface DeviceInfo {
  model: string;
  firmware: string;
  serial: string;
}

export function helloPayload(info: DeviceInfo): Buffer {
  const fields = [info.model, info.firmware, info.serial].map((f) => truncateUtf8(f, MAX_HELLO_FIELD));
  return Buffer.concat([fields[0]!, Buffer.from([0]), fields[1]!, Buffer.from([0]), fields[2]!]);
}

export function parseHello(payload: Buffer): DeviceInfo | null {
  const parts = payload.toString('utf8').split('\0');
  if (parts.length !== 3 || parts.some((p) => Buffer.byteLength(p) > MAX_HELLO_FIELD)) return null;
  return { model: parts[0]!, firmware: parts[1]!, serial: parts[2]! };
}

/** The physical key (1–5 from the left) of a KEY payload. */
export function parseKey(payload: Buffer): number | null {
  return payload.length === 1 && payload[0]! >= 1 && payload[0]! <= 5 ? payload[0]! : null;
}

/** The acknowledged SEQ of an ACK payload. */
export function parseAck(payload: Buffer): number | null {
  return payload.length === 1 ? payload[0]! : null;
}

export function parseNak(payload: Buffer): { seq: number; reason: number } | null {
  return payload.length === 2 ? { seq: payload[0]!, reason: payload[1]! } : null;
}

/** @param seconds how long the keys stay lit, clamped to 1–255. */
export function promptPayload(seconds: number, speak: boolean): Buffer {
  return Buffer.from([Math.min(255, Math.max(1, Math.ceil(seconds))), speak ? PROMPT_SPEAK : 0]);
}

export function parsePrompt(payload: Buffer): { seconds: number; speak: boolean } | null {
  if (payload.length !== 2 || payload[0] === 0) return null;
  return { seconds: payload[0]!, speak: (payload[1]! & PROMPT_SPEAK) !== 0 };
}

/** Display text, cut to 64 bytes of UTF-8 without splitting a character. */
export function displayPayload(text: string): Buffer {
  return truncateUtf8(text, MAX_DISPLAY_BYTES);
}

export function truncateUtf8(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}
