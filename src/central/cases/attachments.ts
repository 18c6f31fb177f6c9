/**
 * A case's attachments (issue 16): evidence for a 无效评价 request, rectification photos, call recordings. Each is
 * stored once under the centre's data folder, content-addressed (`<dataDir>/attachments/<sha256>`, written to a
 * temporary name and renamed, so a half-written file is never read as one), and listed per case with the name it
 * was given. Its type is read from its first bytes, never from the name or the Content-Type sent: a file that is
 * none of ATTACHMENT_TYPES is refused 415. Runs in Node.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTACHMENT_EXTENSIONS, type AttachmentType } from '../../shared/cases-api.js';

const startsWith = (bytes: Buffer, magic: readonly number[], at = 0) =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Buffer, from: number, to: number) => bytes.subarray(from, to).toString('latin1');

/** The ISO base-media brands of an audio file (.m4a): Apple's M4A/M4B and the generic MP4 ones. */
const MP4_AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'mp41', 'mp42', 'isom', 'iso2', 'dash']);

/** The type of `bytes` from their magic numbers, or null for anything else. */
export function sniffAttachmentType(bytes: Buffer): AttachmentType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return 'audio/wav';
  if (ascii(bytes, 4, 8) === 'ftyp' && MP4_AUDIO_BRANDS.has(ascii(bytes, 8, 12))) return 'audio/mp4';
  // MP3: an ID3v2 tag, or straight into an MPEG audio frame (11 sync bits, layer III).
  if (ascii(bytes, 0, 3) === 'ID3') return 'audio/mpeg';
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 && (bytes[1]! & 0x06) === 0x02) {
    return 'audio/mpeg';
  }
  return null;
}

export const attachmentsDir = (dataDir: string) => join(dataDir, 'attachments');
export const attachmentPath = (dataDir: string, sha256: string) => join(attachmentsDir(dataDir), sha256);

/** Stores `bytes` under their SHA-256 (once: the same content uploaded again is the same file) and returns it. */
export function storeAttachment(dataDir: string, bytes: Buffer): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const dir = attachmentsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = attachmentPath(dataDir, sha256);
  if (!existsSync(path)) {
    const temp = join(dir, `.${sha256}.${randomBytes(6).toString('hex')}.part`);
    writeFileSync(temp, bytes, { mode: 0o600 });
    renameSync(temp, path);
  }
  return sha256;
}

/**
 * The name an attachment is listed by: the one given, without folders or control characters, at most 200
 * characters, and with the extension of its real type when it has another.
 */
export function attachmentName(given: string | undefined, type: AttachmentType): string {
  const extension = ATTACHMENT_EXTENSIONS[type];
  const base = (given ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[/\\]/)
    .pop()!
    .trim()
    .slice(0, 200);
  if (!base) return `attachment.${extension}`;
  return base.toLowerCase().endsWith(`.${extension}`) ? base : `${base}.${extension}`;
}
