import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyMap } from '../shared/key-map.js';
import type { EvaluationRecord, StrayPressRecord } from '../shared/records.js';
import { KioskService } from './kiosk-service.js';
import type { TechnicianService } from './technician.js';
import {
  PIN_1001,
  outboxPayloads,
  provisioned,
  technicianFor,
  tempDir,
  windowConfig,
} from './test-support/fixtures.js';

let dir: ReturnType<typeof tempDir>;
let service: KioskService;
let tech: TechnicianService;

beforeEach(async () => {
  dir = tempDir();
  service = await provisioned(dir.path, windowConfig({ keyMap: [1, 2, 3, 4, 5] }));
  tech = technicianFor(service, dir.path);
});

afterEach(async () => {
  await service.close();
  dir.remove();
});

const outbox = <T>(kind: string): T[] => outboxPayloads<T>(service, kind);

function tamper(key: string, value: unknown): void {
  service.context.db
    .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    .run(key, JSON.stringify(value));
}

describe('the key map in force', () => {
  it("is the centre's, said so, until a technician sets one", () => {
    expect(service.keyMapInForce()).toEqual({ map: [1, 2, 3, 4, 5], source: 'central' });
  });

  it('refuses, in technician mode, a key map that is not a permutation of the five levels', async () => {
    for (const bad of [
      [5, 5, 5, 5, 5],
      [5, 4, 3, 2],
      [5, 4, 3, 2, 0],
      [5, 4, 3, 2, 1, 1],
    ]) {
      await expect(tech.setInput({ kind: 'touch' }, bad as KeyMap)).rejects.toMatchObject({ code: 'invalid_request' });
    }
    expect(service.keyMapInForce()).toEqual({ map: [1, 2, 3, 4, 5], source: 'central' });
  });

  it('does not trust a key map altered in the database: an override of [5,5,5,5,5] is ignored', async () => {
    tamper('keyMapOverride', [5, 5, 5, 5, 5]);
    await service.close();
    service = KioskService.open({ dataDir: dir.path });
    expect(service.keyMapInForce()).toEqual({ map: [1, 2, 3, 4, 5], source: 'central' });
    tamper('keyMap', [5, 5, 5, 5, 5]);
    await service.close();
    service = KioskService.open({ dataDir: dir.path });
    expect(service.keyMapInForce()).toEqual({ map: [5, 4, 3, 2, 1], source: 'central' });
  });

  it('a local key map is in force, said to be local, and written into every record a press makes under it', async () => {
    const status = await tech.setInput({ kind: 'touch' }, [2, 1, 3, 4, 5]);
    expect(status).toMatchObject({ keyMap: [2, 1, 3, 4, 5], keyMapSource: 'local' });
    expect(service.keyMapInForce()).toEqual({ map: [2, 1, 3, 4, 5], source: 'local' });

    await service.shifts.login({ staffNo: '1001', pin: PIN_1001 });
    service.press({ level: 2, source: 'serial', key: 1 });
    const rated = service.invitations.open({});
    service.press({ level: 1, source: 'serial', key: 2 });
    const unrated = service.invitations.open({});
    service.invitations.cancel(unrated.id);

    expect(outbox<StrayPressRecord>('stray_press')).toMatchObject([{ localKeyMap: [2, 1, 3, 4, 5] }]);
    const evaluations = outbox<EvaluationRecord>('evaluation');
    expect(evaluations.find((e) => e.id === rated.id)).toMatchObject({ localKeyMap: [2, 1, 3, 4, 5] });
    // A cancelled invitation had no press: no key map bore on it.
    expect(evaluations.find((e) => e.id === unrated.id)).not.toHaveProperty('localKeyMap');
  });

  it("is cleared in technician mode, back to the centre's map, and records then carry none", async () => {
    await tech.setInput({ kind: 'touch' }, [2, 1, 3, 4, 5]);
    expect(await tech.setInput({ kind: 'touch' }, null)).toMatchObject({
      keyMap: [1, 2, 3, 4, 5],
      keyMapSource: 'central',
    });
    service.press({ level: 2, source: 'serial', key: 2 });
    expect(outbox<StrayPressRecord>('stray_press')[0]).not.toHaveProperty('localKeyMap');
  });

  it("setting the centre's own order is no override; leaving it out keeps the order in force", async () => {
    await tech.setInput({ kind: 'touch' }, [1, 2, 3, 4, 5]);
    expect(service.keyMapInForce().source).toBe('central');
    await tech.setInput({ kind: 'touch' }, [2, 1, 3, 4, 5]);
    await tech.setInput({ kind: 'keyboard' });
    expect(service.keyMapInForce()).toEqual({ map: [2, 1, 3, 4, 5], source: 'local' });
  });
});
