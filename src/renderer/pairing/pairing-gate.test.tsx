// @vitest-environment happy-dom
/**
 * The browser host's pairing as a page sees it (happy-dom; the kiosk's socket and pairing route faked at the
 * page's edge): a browser profile holds one screen token, and shows the screen of that token's role whatever its
 * address says.
 */
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PAIR_PATH, TOKEN_PROTOCOL_PREFIX, type ScreenHello } from '../../shared/screen-pairing.js';
import type { UiRole } from '../../shared/ui-contract.js';
import { screenFor } from '../screen-for-role.js';
import { connectUi, roleOfPage, SCREEN_STORAGE_KEY } from '../ui-client.js';
import { PairingGate } from './pairing-screen.js';

/** The kiosk's side: which role each token pairs, and every socket the page opened. */
const tokens: Record<string, UiRole> = { ['C'.repeat(43)]: 'citizen', ['S'.repeat(43)]: 'staff' };
const codes: Record<string, string> = { '11111111': 'C'.repeat(43), '22222222': 'S'.repeat(43) };

class FakeSocket {
  static readonly OPEN = 1;
  static opened: FakeSocket[] = [];
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  readonly token: string | undefined;
  constructor(_url: URL, protocols: string[]) {
    this.token = protocols.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
    FakeSocket.opened.push(this);
    queueMicrotask(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.();
      const hello: ScreenHello = { type: 'screen', role: tokens[this.token!]!, label: 'test' };
      this.onmessage?.({ data: JSON.stringify(hello) });
    });
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
}

beforeEach(() => {
  localStorage.clear();
  FakeSocket.opened = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', async (path: string, init: { body: string }) => {
    expect(path).toBe(PAIR_PATH);
    const { code, role } = JSON.parse(init.body) as { code: string; role: UiRole };
    const token = codes[code]!;
    return new Response(JSON.stringify({ token, role: tokens[token], label: `${role} screen` }), { status: 200 });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

/** Loads the page at `path` in this profile, as main.tsx does. */
async function openPage(path: string) {
  history.replaceState(null, '', path);
  const { client, pairing } = connectUi();
  const page = render(<PairingGate pairing={pairing} role={roleOfPage()} screen={(r) => screenFor(r, client)} />);
  await flush();
  return { page, pairing: pairing! };
}

describe('a browser profile holds one screen token', () => {
  it('shows a staff-paired profile opening `/` the staff panel, with no level to press', async () => {
    // Paired first as a citizen screen, then given a staff panel's code: the new token replaces the old.
    const first = await openPage('/');
    expect((await first.pairing.pair('11111111')).ok).toBe(true);
    first.page.unmount();
    const second = await openPage('/staff');
    expect((await second.pairing.pair('22222222')).ok).toBe(true);
    second.page.unmount();

    const { page } = await openPage('/');
    expect(page.container.querySelector('main.staff')).not.toBeNull();
    expect(page.container.querySelector('main.citizen, button.level-5')).toBeNull();
    expect(location.pathname).toBe('/staff');
    expect(JSON.parse(localStorage.getItem(SCREEN_STORAGE_KEY)!)).toEqual({ token: 'S'.repeat(43), role: 'staff' });
    expect(FakeSocket.opened.at(-1)!.token).toBe('S'.repeat(43));
    const sent = FakeSocket.opened.flatMap((s) => s.sent) as { command?: { name: string } }[];
    expect(sent.filter((m) => m.command?.name === 'press')).toEqual([]);
  });

  it('clears the per-role tokens of a profile that held several, so none of them rates', async () => {
    localStorage.setItem('hcp.screen-token.citizen', 'C'.repeat(43));
    localStorage.setItem('hcp.screen-token.staff', 'S'.repeat(43));
    const { page } = await openPage('/');
    expect(page.container.querySelector('[data-screen="unpaired"]')).not.toBeNull();
    expect(page.container.querySelector('button.level-5')).toBeNull();
    expect(Object.keys(localStorage)).toEqual([]);
    expect(FakeSocket.opened).toEqual([]);
  });

  it('keeps the one per-role token of a profile paired by an earlier version, in its own role', async () => {
    localStorage.setItem('hcp.screen-token.staff', 'S'.repeat(43));
    const { page } = await openPage('/');
    expect(page.container.querySelector('main.staff')).not.toBeNull();
    expect(Object.keys(localStorage)).toEqual([SCREEN_STORAGE_KEY]);
  });

  it('believes the kiosk over its storage: a token the kiosk names staff shows the staff panel', async () => {
    localStorage.setItem(SCREEN_STORAGE_KEY, JSON.stringify({ token: 'S'.repeat(43), role: 'citizen' }));
    const { page } = await openPage('/');
    await flush();
    expect(page.container.querySelector('main.staff')).not.toBeNull();
    expect(page.container.querySelector('main.citizen')).toBeNull();
    expect((JSON.parse(localStorage.getItem(SCREEN_STORAGE_KEY)!) as { role: string }).role).toBe('staff');
  });
});
