/** The Linux packaging starts the kiosk service as the Electron shell and the tests do: with the kiosk's Node flags. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIOSK_NODE_FLAGS } from '../shared/kiosk-runtime.js';

describe('the systemd unit of the browser host', () => {
  it('runs hcp kiosk under Node with the kiosk flags', () => {
    const unit = readFileSync(new URL('../../build/linux/hcp-kiosk-browser.service', import.meta.url), 'utf8');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    const [node, ...args] = execStart.split(/\s+/);
    expect(node).toMatch(/\/node$/);
    const script = args.findIndex((a) => a.endsWith('/hcp.js'));
    expect(args.slice(0, script)).toEqual(KIOSK_NODE_FLAGS);
    expect(args[script + 1]).toBe('kiosk');
  });
});
