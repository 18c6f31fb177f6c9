/**
 * The fault driver: at random moments, one fault at a time, it breaks a part of the rig and mends it again. Every
 * kind comes once per round, in a fresh random order, so even a short run injects each of them.
 */
import type { Random } from '../src/common/seeded-random.js';
import type { FaultMode } from '../src/common/test-support/fault-proxy.js';
import type { StatusView } from '../src/shared/local-api.js';
import type { Rig } from './rig.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FAULTS = {
  /** The counter PC loses power: the kiosk dies mid-whatever, and comes back. */
  'kill kiosk': async (rig, random) => {
    await rig.kiosk.kill('SIGKILL');
    await sleep(200 + random() * 1800);
    await rig.startKiosk();
  },
  'kill central': async (rig, random) => {
    await rig.central.kill('SIGKILL');
    await sleep(500 + random() * 2500);
    await rig.startCentral();
  },
  'cut network': (rig, random) => proxyFault(rig, 'refuse', 1000 + random() * 4000),
  'stall network': (rig, random) => proxyFault(rig, 'stall', 2000 + random() * 4000),
  'reset connections': (rig, random) => proxyFault(rig, 'reset', 1000 + random() * 2000),
  'cut answers after the centre acted': (rig, random) => proxyFault(rig, 'cut_response', 1000 + random() * 2000),
  'centre answers 503': (rig, random) => proxyFault(rig, 'http_503', 1000 + random() * 2000),
  'unplug evaluator': async (rig, random) => {
    await rig.unplugEvaluator();
    await sleep(500 + random() * 2500);
    await rig.replugEvaluator();
  },
  /**
   * The disk fills up: the kiosk comes back with its database capped a few pages above its size, runs until it
   * is full and refusing invitations, and stays full a while; then space returns (the cap goes away).
   */
  'fill disk': async (rig, random) => {
    await rig.kiosk.kill('SIGKILL');
    const pages = rig.kioskPages();
    await rig.startKiosk(pages + 24);
    const until = Date.now() + 120_000;
    for (;;) {
      const status = await rig.kiosk
        .api('GET', '/status')
        .then((r) => r.body as StatusView)
        .catch(() => null);
      if (status?.storage.full) break;
      if (Date.now() > until) throw new Error(`the kiosk capped at ${pages + 24} pages did not fill up in 120 s`);
      await sleep(100);
    }
    await sleep(1000 + random() * 2000);
    await rig.kiosk.kill('SIGKILL');
    await rig.startKiosk();
  },
} satisfies Record<string, (rig: Rig, random: Random) => Promise<void>>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

async function proxyFault(rig: Rig, mode: FaultMode, ms: number): Promise<void> {
  await rig.proxy.set(mode);
  await sleep(ms);
  await rig.proxy.set('pass');
}

export interface FaultDriver {
  readonly injected: Record<FaultName, number>;
  /** A fault could not be injected or mended (a part of the rig would not come back). */
  readonly failed: boolean;
  /**
   * Lets the fault in progress finish (the rig is whole again afterwards) and injects no more, once every kind has
   * been injected at least once (on a slow machine the first round can outlast the time).
   */
  stop(): Promise<void>;
}

/** Injects faults with 2–6 s of calm between them until stopped. */
export function driveFaults(rig: Rig, random: Random, log: (line: string) => void): FaultDriver {
  const injected = Object.fromEntries(FAULT_NAMES.map((name) => [name, 0])) as Record<FaultName, number>;
  let stopping = false;
  let failure: Error | undefined;
  const run = (async () => {
    while (!stopping) {
      const round = [...FAULT_NAMES].sort(() => random() - 0.5);
      for (const name of round) {
        await sleep(2000 + random() * 4000);
        if (stopping && FAULT_NAMES.every((kind) => injected[kind] > 0)) return;
        log(`fault: ${name}`);
        await FAULTS[name](rig, random);
        injected[name] += 1;
      }
    }
  })().catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(String(error));
  });
  return {
    injected,
    get failed() {
      return failure !== undefined;
    },
    stop: async () => {
      stopping = true;
      await run;
      if (failure !== undefined) throw failure;
    },
  };
}
