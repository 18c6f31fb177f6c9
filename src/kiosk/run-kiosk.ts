/**
 * Starts the kiosk as a program: the service, its local API, and the UI channel when a parent process (the
 * Electron shell, or a test) is connected over IPC. Stops cleanly on SIGINT/SIGTERM. Runs in Node.
 */
import { readFile } from 'node:fs/promises';
import { DeviceConfig } from '../shared/device-config.js';
import { LOCAL_API_DEFAULT_PORT } from '../shared/local-api.js';
import { startLocalApi } from './api/local-api.js';
import { parentProcessTransport, serveUiChannel } from './host/ui-channel.js';
import { acceptWindows, electronParentPort, requestShellExit } from './host/utility-host.js';
import type { EvaluatorInputSetting } from './store/settings-repo.js';
import { TechnicianService } from './technician.js';
import type { ScreenPairings } from './screen-pairing.js';
import { ScreenInput } from './input/screen-input.js';
import { SerialInput } from './input/serial-input.js';
import type { DriverTimings } from '../hardware/driver-timings.js';
import { serialTransport, type BaudRate, type OpenTransport } from '../hardware/transport.js';
import { KioskService } from './kiosk-service.js';
import { CentralClient } from './sync/central-client.js';
import {
  checkCentralUrl,
  dispatcherFor,
  warnIfInsecure,
  type CentralTransportOptions,
} from './sync/central-transport.js';
import { DeviceIdentity } from '../common/device-identity.js';
import { SyncAgent, type SyncTimings } from './sync/sync-agent.js';
import { APP_VERSION } from './version.js';
import type { Logger } from '../common/logger.js';

export interface RunKioskOptions {
  dataDir: string;
  host?: string;
  port?: number;
  apiToken?: string;
  logger: Logger;
  maxPageCount?: number;
  /** The serial evaluator's port and speed, if there is one. */
  serial?: { path: string; baudRate: BaudRate };
  /** The device key as the Electron shell unwrapped it from the OS key store (else it is read from DATA). */
  deviceKeyPem?: string;
  /** The data key (base64) as the Electron shell unwrapped it from the OS key store (else DATA/data.key is read). */
  dataKey?: string;
  /** Allow plain http to a centre off this machine (logged loudly at every start); see sync/central-transport.ts. */
  insecureHttp?: boolean;
  /** The hall's own certificate authority (PEM) for the centre's https: enrolment, sync and the connection check. */
  caFile?: string;
  /** An evaluator line other than a serial port (the demo's in-memory evaluator). */
  evaluatorLine?: OpenTransport;
  /** Driver timings (tests shorten them). */
  serialTimings?: Partial<DriverTimings>;
  /** Sync timings (tests and the soak shorten the backoff). */
  syncTimings?: Partial<SyncTimings>;
  /**
   * Serve the browser host: the built screens and, for screens paired by the technician, the UI channel's
   * WebSocket (/ui). On by default, except under the Electron shell, whose windows have their own ports: there
   * nothing at /ui answers unless the browser host is chosen explicitly.
   */
  browserHost?: boolean;
}

export interface RunningKiosk {
  service: KioskService;
  url: string;
  /** The browser host's screen pairings; null when the browser host is not served. */
  pairing: ScreenPairings | null;
  stop(): Promise<void>;
}

export async function runKiosk(options: RunKioskOptions): Promise<RunningKiosk> {
  const service = KioskService.open({
    dataDir: options.dataDir,
    dataKey: options.dataKey,
    logger: options.logger,
    maxPageCount: options.maxPageCount,
  });
  const screen = new ScreenInput();
  await service.addInput(screen);
  // The serial evaluator: the port given on the command line, else the one chosen in technician mode.
  let serial: SerialInput | null = null;
  // The input in use, which technician mode shows as chosen (a port on the command line wins over the setting).
  let inUse: EvaluatorInputSetting | undefined;
  const applyInput = async (input: EvaluatorInputSetting): Promise<void> => {
    inUse = input;
    if (serial) await service.removeInput(serial);
    serial = null;
    if (input.kind !== 'serial') return;
    serial = new SerialInput({
      open: serialTransport(input.path, input.baudRate),
      keyMap: () => service.keyMap(),
      view: () => service.deviceView(),
      log: options.logger.child({ module: 'evaluator', port: input.path }),
      timings: options.serialTimings,
    });
    await service.addInput(serial);
  };
  const configured = service.evaluatorInput();
  if (options.evaluatorLine) {
    serial = new SerialInput({
      open: options.evaluatorLine,
      keyMap: () => service.keyMap(),
      view: () => service.deviceView(),
      log: options.logger.child({ module: 'evaluator' }),
    });
    inUse = { kind: 'serial', path: 'line', baudRate: 9600 };
    await service.addInput(serial);
  } else if (options.serial) await applyInput({ kind: 'serial', ...options.serial });
  else if (configured) await applyInput(configured);
  const parentPort = electronParentPort();
  // Enrolling in technician mode starts delivery at once, without a restart.
  const tech = new TechnicianService(
    service,
    options.dataDir,
    applyInput,
    () => startSync(service, options),
    () => {
      // Under the Electron shell, ask it to quit; a browser host has no kiosk mode to leave.
      if (!parentPort) return false;
      requestShellExit();
      return true;
    },
    { insecureHttp: options.insecureHttp, caFile: options.caFile },
    () => inUse,
  );

  const browserHost = options.browserHost ?? !parentPort;
  const pairing = browserHost ? service.screenPairings(options.logger) : null;
  const { app, url } = await startLocalApi({
    service,
    host: options.host,
    port: options.port ?? LOCAL_API_DEFAULT_PORT,
    token: options.apiToken,
    logger: options.logger,
    ui: pairing ? { service, screen, tech, pairing } : undefined,
  }).catch(async (error: unknown) => {
    await service.close();
    throw error;
  });
  startSync(service, options);
  const transport = parentProcessTransport();
  const stopChannel = transport
    ? serveUiChannel(transport, { service, screen }, 'citizen', options.logger.child({ module: 'ui-channel' }))
    : () => {};
  // Under the Electron shell: each window connects on its own port, and the shell learns the update feed the
  // central configuration names (now and whenever the configuration changes).
  if (parentPort) {
    const tellFeed = () =>
      parentPort.postMessage({
        type: 'update-feed',
        url: service.updateFeedUrl(),
        // Pinned at installation or provisioning only (sync/local-pins.ts): the shell takes no other feed origin.
        allowedOrigins: service.updateOrigins(),
      });
    tellFeed();
    service.subscribe((event) => event.type === 'config.changed' && tellFeed());
    acceptWindows(parentPort, (windowTransport, role) =>
      serveUiChannel(
        windowTransport,
        { service, screen, tech },
        role,
        options.logger.child({ module: 'ui-channel', role }),
      ),
    );
  }
  options.logger.info({ url, deviceId: service.deviceId }, 'kiosk service ready');
  // Tell a parent process (the Electron shell, a test) where the API is.
  if (process.send) process.send({ type: 'ready', url });

  let stopping: Promise<void> | undefined;
  return {
    service,
    url,
    pairing,
    stop: () =>
      (stopping ??= (async () => {
        stopChannel();
        await app.close();
        await service.close();
      })()),
  };
}

/** Starts delivery to the central system if this kiosk is enrolled. */
function startSync(service: KioskService, options: RunKioskOptions): void {
  if (service.syncAgent) return;
  const agent = syncAgentFor(service, options.dataDir, options.logger, options.syncTimings, options.deviceKeyPem, {
    insecureHttp: options.insecureHttp,
    caFile: options.caFile,
  });
  if (agent) service.attachSync(agent);
}

/** The sync agent of an enrolled kiosk (null when it is not enrolled or has lost its device key). */
export function syncAgentFor(
  service: KioskService,
  dataDir: string,
  logger: Logger,
  timings?: Partial<SyncTimings>,
  deviceKeyPem?: string,
  transport: CentralTransportOptions = {},
): SyncAgent | null {
  const enrolment = service.enrolment();
  const identity = DeviceIdentity.load(dataDir) ?? (deviceKeyPem ? DeviceIdentity.fromPem(deviceKeyPem) : null);
  if (!enrolment || !identity) return null;
  // The key that signs requests signs the QR codes of services, which work while the kiosk is offline.
  service.useIdentity(identity);
  const log = logger.child({ module: 'sync' });
  let dispatcher: ReturnType<typeof dispatcherFor>;
  try {
    // Plain http off loopback only with --insecure-http (said loudly at every start); the hall's CA if given.
    warnIfInsecure(checkCentralUrl(enrolment.centralUrl, transport), log);
    dispatcher = dispatcherFor(transport);
  } catch (error) {
    log.error({ err: (error as Error).message }, 'delivery to the central system not started');
    return null;
  }
  return new SyncAgent({
    ctx: service.context,
    client: new CentralClient({ baseUrl: enrolment.centralUrl, deviceId: enrolment.deviceId, identity, dispatcher }),
    log,
    version: APP_VERSION,
    applyConfig: (config) => service.provision(config),
    report: () => ({ evaluator: service.evaluatorStatus(), keyMap: service.keyMapInForce() }),
    timings,
  });
}

export class ProvisionFileError extends Error {
  override readonly name = 'ProvisionFileError';
  readonly code = 'provision_file_invalid';
}

/** Reads and validates a provision file; every problem names the file and the field. */
export async function readProvisionFile(file: string): Promise<DeviceConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ProvisionFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProvisionFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = DeviceConfig.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 5).map((i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ProvisionFileError(`${file} is not a valid provision file:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
