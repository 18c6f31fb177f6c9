/**
 * A full disk (SQLite's max_page_count stands in for it): new invitations are refused with a clear code, a press is
 * never acknowledged to the evaluator unless it was stored, the status says so, and service resumes by itself when
 * space returns.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { EvaluatorSimulator } from '../hardware/evaluator-simulator.js';
import { memoryLine } from '../hardware/memory-transport.js';
import { KioskError } from '../shared/kiosk-errors.js';
import { STORAGE_RESERVE } from './context.js';
import { SerialInput } from './input/serial-input.js';
import type { KioskService } from './kiosk-service.js';
import { PIN_1001, provisioned, tempDir } from './test-support/fixtures.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let sim: EvaluatorSimulator;

const isFull = (error: unknown) => error instanceof KioskError && error.code === 'storage_full';

/** Lets one write through with a little room, then takes the room away again. */
function withRoom<T>(write: () => T): T {
  const cap = service.context.db.pragma('max_page_count', { simple: true }) as number;
  service.context.db.pragma(`max_page_count = ${cap + 20}`);
  try {
    return write();
  } finally {
    service.context.db.pragma(`max_page_count = ${cap}`);
  }
}

/**
 * Fills the database until a stray press and a new invitation both no longer fit. (A write that fits in pages the
 * file already has still succeeds, as on a real full disk; an invitation that could open but not end is ended with a
 * little room, so the next one can be tried.)
 */
function fillDisk(): void {
  const fits = (write: () => void): boolean => {
    try {
      write();
      return true;
    } catch (error) {
      if (!isFull(error)) throw error;
      return false;
    }
  };
  for (;;) {
    while (fits(() => service.press({ level: 3, source: 'touch' })));
    let id: string | undefined;
    if (!fits(() => (id = service.invitations.open({}).id))) {
      // Neither a stray press nor an invitation fits: full.
      if (!fits(() => service.press({ level: 3, source: 'touch' }))) return;
      continue;
    }
    if (!fits(() => service.invitations.cancel(id!))) withRoom(() => service.invitations.cancel(id!));
  }
}

const KEY_SENDS = 40;

beforeEach(async () => {
  dir = tempDir('hcp-full-');
  service = await provisioned(dir.path, undefined, { maxPageCount: 60 });
  await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
  const line = memoryLine();
  // A KEY resent every 50 ms for up to 2 s: a press that is stored is ACKed even if a busy machine stalls a commit.
  sim = new EvaluatorSimulator({ open: async () => line.device, keyResendMs: 50, keySends: KEY_SENDS });
  await service.addInput(
    new SerialInput({
      open: async () => line.host,
      keyMap: () => service.keyMap(),
      view: () => service.deviceView(),
      log: silentLogger,
    }),
  );
  await sim.start();
  await vi.waitFor(() => expect(service.status().evaluator.state).toBe('connected'), { timeout: 10_000 });
});

afterEach(async () => {
  await sim.stop();
  await service.close();
  dir.remove();
});

describe('a full disk', () => {
  it('refuses new invitations, acknowledges no press it could not store, says so, and recovers by itself', async () => {
    fillDisk();
    expect(service.status().storage.full).toBe(true);
    expect(() => service.invitations.open({})).toThrow(expect.objectContaining({ code: 'storage_full' }));

    // The evaluator's press cannot be stored: no ACK, however often the device sends it.
    const press = await sim.press(1);
    expect(press).toMatchObject({ acked: false, sends: KEY_SENDS });
    expect(service.status().invitation).toBeNull();

    // Space returns: the next write succeeds and the status clears by itself.
    service.context.db.pragma('max_page_count = 100000');
    const invitation = service.invitations.open({});
    expect(service.status().storage.full).toBe(false);
    expect(await sim.press(2)).toMatchObject({ acked: true });
    expect(service.invitations.get(invitation.id).state).toBe('rated');
  });

  it('refuses new invitations while less than the reserve is left, though small writes still fit', async () => {
    const { db } = service.context;
    // Free pages count as room: a cap one page short of the reserve, counting them.
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const pages = (db.pragma('page_count', { simple: true }) as number) - free;
    expect(free).toBeLessThan(STORAGE_RESERVE.pages - 1); // else the cap would fall below the file's size
    db.pragma(`max_page_count = ${pages + STORAGE_RESERVE.pages - 1}`);
    expect(() => service.invitations.open({})).toThrow(expect.objectContaining({ code: 'storage_full' }));
    expect(service.status().storage.full).toBe(true);
    expect(service.press({ level: 3, source: 'touch' })).toMatchObject({ kind: 'stray' });

    service.context.db.pragma(`max_page_count = ${pages + STORAGE_RESERVE.pages + 8}`);
    expect(service.status().storage.full).toBe(false);
    const invitation = service.invitations.open({});
    expect(await sim.press(4)).toMatchObject({ acked: true });
    expect(service.invitations.get(invitation.id).state).toBe('rated');
  });
});
