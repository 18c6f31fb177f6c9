/**
 * Unit: an attachment's type is read from its first bytes (jpg, png, pdf, mp3, m4a, wav), never from its name, and
 * its listed name loses folders and control characters and gains its real type's extension.
 */
import { describe, expect, it } from 'vitest';
import { attachmentName, sniffAttachmentType } from './attachments.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('the type of an attachment, by its content', () => {
  it.each([
    ['a JPEG', bytes([0xff, 0xd8, 0xff, 0xe1], 'Exif'), 'image/jpeg'],
    ['a PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR'), 'image/png'],
    ['a PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['an MP3 with an ID3 tag', bytes('ID3', [4, 0, 0]), 'audio/mpeg'],
    ['an MP3 frame without a tag (MPEG-1 layer III)', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['an M4A', bytes([0, 0, 0, 0x20], 'ftypM4A ', [0, 0, 0, 0]), 'audio/mp4'],
    ['a WAV', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), 'audio/wav'],
  ])('recognises %s', (_what, content, type) => {
    expect(sniffAttachmentType(content)).toBe(type);
  });

  it.each([
    ['a Windows program', bytes('MZ', [0x90, 0])],
    ['a ZIP (an .xlsx or .docx)', bytes('PK', [3, 4])],
    ['an HTML page named .jpg', bytes('<html><script>')],
    ['an MP4 whose brand is a video one (avc1)', bytes([0, 0, 0, 0x20], 'ftypavc1')],
    ['an AVI (RIFF but not WAVE)', bytes('RIFF', [0, 0, 0, 0], 'AVI ')],
    ['an MPEG layer II frame', bytes([0xff, 0xfd, 0x90, 0x64])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_what, content) => {
    expect(sniffAttachmentType(content)).toBeNull();
  });
});

describe('the listed name of an attachment', () => {
  it('keeps the name given when its extension is the type’s', () => {
    expect(attachmentName('整改照片.JPG', 'image/jpeg')).toBe('整改照片.JPG');
  });
  it('drops folders and control characters and adds the real extension', () => {
    expect(attachmentName('../../etc/pass\u0000wd', 'application/pdf')).toBe('passwd.pdf');
    expect(attachmentName('C:\\Users\\录音.txt', 'audio/mpeg')).toBe('录音.txt.mp3');
  });
  it('names a nameless one by its type', () => {
    expect(attachmentName(undefined, 'audio/wav')).toBe('attachment.wav');
    expect(attachmentName('  ', 'image/png')).toBe('attachment.png');
  });
});
