/**
 * Listing serial ports on a machine without udevadm: the system's listing fails, and the serial lines under /dev
 * are listed instead (the USB and ACM ones, and the on-board ones a driver backs), with a note in words.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../common/test-support/temp-dir.js';
import { listSerialPorts, portsFromDev } from './transport.js';

describe('the serial port list', () => {
  const dir = tempDir('hcp-ports-');
  afterAll(() => dir.remove());
  const dev = join(dir.path, 'dev');
  const sys = join(dir.path, 'sys');
  mkdirSync(dev);
  mkdirSync(join(sys, 'devices', 'ttyS0', 'device'), { recursive: true });
  mkdirSync(join(sys, 'devices', 'ttyS1'), { recursive: true });
  mkdirSync(join(sys, 'class'), { recursive: true });
  for (const name of ['ttyS0', 'ttyS1', 'ttyUSB10', 'ttyUSB2', 'ttyACM0', 'tty0', 'ttyprintk', 'null', 'pts']) {
    writeFileSync(join(dev, name), '');
  }
  for (const name of ['ttyS0', 'ttyS1']) symlinkSync(join(sys, 'devices', name), join(sys, 'class', name));

  it('lists the real serial lines under /dev: USB, ACM, and only the on-board ones with a device behind them', () => {
    expect(portsFromDev(dev, join(sys, 'class')).map((p) => p.path)).toEqual(
      ['ttyACM0', 'ttyS0', 'ttyUSB2', 'ttyUSB10'].map((n) => join(dev, n)),
    );
    expect(portsFromDev(join(dir.path, 'no-such-dir'))).toEqual([]);
  });

  it('falls back to them with a note when the system listing fails (no udevadm), and never throws', async () => {
    const failing = () => Promise.reject(new Error('spawn udevadm ENOENT'));
    const listed = await listSerialPorts(failing, () => portsFromDev(dev, join(sys, 'class')));
    expect(listed.ports).toHaveLength(4);
    expect(listed.note).toBe('no_udevadm');
    const system = await listSerialPorts(() => Promise.resolve([{ path: '/dev/ttyUSB0', manufacturer: 'FTDI' }]));
    expect(system).toEqual({ ports: [{ path: '/dev/ttyUSB0', manufacturer: 'FTDI' }], note: null });
  });
});
