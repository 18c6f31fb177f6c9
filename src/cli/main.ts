/**
 * `hcp`: the one command line of the product. Subcommands start the kiosk service, provision it, and hash PINs
 * for provision files. Runs in Node.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { PIN_PATTERN } from '../shared/device-config.js';
import { KioskService } from '../kiosk/kiosk-service.js';
import { createRootLogger } from '../common/logger.js';
import { readProvisionFile, runKiosk } from '../kiosk/run-kiosk.js';
import { enrollKiosk } from '../kiosk/sync/enroll.js';

interface EnrolCliOptions {
  central: string;
  code: string;
  data: string;
  centralFingerprint?: string;
  updateOrigin?: string[];
  insecureHttp?: boolean;
  caFile?: string;
  force?: boolean;
}
import type { SyncTimings } from '../kiosk/sync/sync-agent.js';
import { CENTRAL_DEFAULT_PORT } from '../shared/central-api.js';
import { BAUD_RATES, listSerialPorts, PORT_LIST_NOTES, type BaudRate } from '../hardware/transport.js';
import { hashPin } from '../common/pin-hash.js';
import { APP_VERSION } from '../kiosk/version.js';
import { kioskPairCommand } from './kiosk-pair.js';
import { centralCommand } from './central-command.js';

// The central system, the demo and the simulator are loaded by their own commands only: a kiosk service does not
// carry the central system's code in its memory or its start-up time.

const defaultDataDir = (): string =>
  process.env.HCP_DATA ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hcp', 'kiosk');

const defaultCentralDir = (): string =>
  process.env.HCP_CENTRAL_DATA ??
  join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hcp', 'central');

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number 0–65535');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number, 1 or more');
  return n;
}

/** Test and soak runs shorten the sync backoff and heartbeat through the environment. */
function syncTimingsFromEnv(): Partial<SyncTimings> {
  const n = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const timings: Partial<SyncTimings> = {};
  const maxBackoffMs = n('HCP_SYNC_MAX_BACKOFF_MS');
  const heartbeatMs = n('HCP_SYNC_HEARTBEAT_MS');
  if (maxBackoffMs !== undefined) timings.maxBackoffMs = maxBackoffMs;
  if (heartbeatMs !== undefined) timings.heartbeatMs = heartbeatMs;
  return timings;
}

function baud(value: string): BaudRate {
  const n = Number(value);
  if (!(BAUD_RATES as readonly number[]).includes(n)) {
    throw new InvalidArgumentError(`the evaluator speaks ${BAUD_RATES.join(', ')} baud`);
  }
  return n as BaudRate;
}

export function buildCli(): Command {
  const program = new Command('hcp')
    .description('好差评 evaluator terminal and central system')
    .version(APP_VERSION)
    .enablePositionalOptions()
    .showHelpAfterError();

  const kiosk = program
    .command('kiosk')
    .description('run the kiosk service (local API on 127.0.0.1:8710 by default)')
    .option('--data <dir>', 'data folder (database and device key)', defaultDataDir())
    .option('--host <address>', 'address for the local API', '127.0.0.1')
    .option('--port <port>', 'port for the local API', port, 8710)
    .option('--api-token <token>', 'bearer token every API request must carry (required off loopback)')
    .option('--serial <path>', 'serial port of the five-key evaluator, e.g. /dev/ttyUSB0 or COM3')
    .option('--baud <rate>', `evaluator line speed: ${BAUD_RATES.join(', ')}`, baud, 9600)
    .option(
      '--max-db-pages <pages>',
      'cap the database at this many 4 KiB pages; reaching it acts as a full disk (a quota, and how the soak fills the disk)',
      positiveInt,
    )
    .option('--no-browser-host', 'serve the local API only: no screens and no UI channel at /ui')
    .option('--insecure-http', 'allow plain http to a central system off this machine (test networks only; logged)')
    .option('--ca-file <path>', "PEM of the hall's own certificate authority for the central system's https")
    .enablePositionalOptions()
    .action(
      async (options: {
        data: string;
        host: string;
        port: number;
        apiToken?: string;
        serial?: string;
        baud: BaudRate;
        maxDbPages?: number;
        browserHost: boolean;
        insecureHttp?: boolean;
        caFile?: string;
      }) => {
        const logger = createRootLogger();
        const running = await runKiosk({
          dataDir: options.data,
          host: options.host,
          port: options.port,
          apiToken: options.apiToken ?? process.env.HCP_API_TOKEN,
          logger,
          serial: options.serial ? { path: options.serial, baudRate: options.baud } : undefined,
          maxPageCount: options.maxDbPages,
          syncTimings: syncTimingsFromEnv(),
          browserHost: options.browserHost,
          insecureHttp: options.insecureHttp === true,
          caFile: options.caFile,
        });
        process.stdout.write(`kiosk service listening on ${running.url} (data: ${options.data})\n`);
        const stop = () => {
          void running.stop().then(() => {
            logger.flush();
            process.exit(0);
          });
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.once('disconnect', stop);
      },
    );

  kiosk
    .command('enroll')
    .description('register this kiosk with the central system, using a single-use code from the centre')
    .requiredOption('--central <url>', 'the central system, e.g. https://hcp.example.gov.cn')
    .requiredOption('--code <code>', 'the enrolment code (valid 24 h, once)')
    .option('--data <dir>', 'data folder', defaultDataDir())
    .option('--central-fingerprint <hex>', "the centre's key fingerprint (hcp central key): pinned only if it matches")
    .option('--update-origin <origin...>', 'https origin(s) the kiosk app may take updates from')
    .option('--insecure-http', 'allow plain http to a central system off this machine (test networks only; logged)')
    .option('--ca-file <path>', "PEM of the hall's own certificate authority for the central system's https")
    .option('--force', 'enrol anew although records of the current enrolment are not delivered (they may be refused)')
    .action(async (options: EnrolCliOptions) => {
      const service = KioskService.open({ dataDir: options.data });
      try {
        const result = await enrollKiosk(service, options.data, options.central, options.code, {
          centralFingerprint: options.centralFingerprint,
          insecureHttp: options.insecureHttp === true,
          caFile: options.caFile,
          force: options.force === true,
          log: createRootLogger({ level: 'warn' }),
        });
        if (options.updateOrigin) service.applyLocalPins({ updateOrigins: options.updateOrigin });
        const where =
          result.config.mode === 'window' ? `window ${result.config.window?.code}` : 'self-service terminal';
        process.stdout.write(
          `enrolled as device ${result.deviceId} (${where}, ${result.config.roster.length} staff) with ${options.central}\n`,
        );
        process.stdout.write(
          result.pinned.firstUse
            ? `central key pinned on first use: ${result.pinned.fingerprint} — compare it with \`hcp central key\` on the centre\n`
            : `central key pinned: ${result.pinned.fingerprint}\n`,
        );
      } finally {
        await service.close();
      }
    });

  kiosk.addCommand(kioskPairCommand(defaultDataDir));

  kiosk
    .command('ports')
    .description('list the serial ports of this machine (to find the evaluator)')
    .action(async () => {
      const { ports, note } = await listSerialPorts();
      if (note) process.stdout.write(`${PORT_LIST_NOTES[note]}\n`);
      if (ports.length === 0) process.stdout.write('no serial ports found\n');
      for (const p of ports) {
        const what = [p.manufacturer, p.vendorId && `${p.vendorId}:${p.productId}`, p.serialNumber].filter(Boolean);
        process.stdout.write(`${p.path}${what.length > 0 ? `  ${what.join('  ')}` : ''}\n`);
      }
    });

  kiosk
    .command('provision')
    .description('set this kiosk up from a provision file (roster, window, department, service items, reason tags)')
    .requiredOption('--file <path>', 'provision file (JSON); see examples/provision-window.json')
    .option('--data <dir>', 'data folder', defaultDataDir())
    .option('--central-key <base64>', "the centre's public key (hcp central key): configurations must be signed by it")
    .option('--update-origin <origin...>', 'https origin(s) the kiosk app may take updates from')
    .option('--replace-central-key', 'replace an already pinned central key with the one --central-key gives (logged)')
    .action(
      async (options: {
        file: string;
        data: string;
        centralKey?: string;
        updateOrigin?: string[];
        replaceCentralKey?: boolean;
      }) => {
        if (options.replaceCentralKey && !options.centralKey) {
          throw new Error('--replace-central-key needs the new key on the command line: --central-key <base64>');
        }
        const config = await readProvisionFile(options.file);
        const service = KioskService.open({ dataDir: options.data });
        try {
          // Pinned first: a refused key (central_key_mismatch) leaves the configuration as it was.
          service.applyLocalPins(
            {
              centralPublicKey: options.centralKey ?? config.centralPublicKey,
              updateOrigins: options.updateOrigin ?? config.updateOrigins,
            },
            { replaceCentralKey: options.replaceCentralKey === true && options.centralKey !== undefined },
          );
          await service.provision(config);
        } finally {
          await service.close();
        }
        const where = config.mode === 'window' ? `window ${config.window?.code}` : 'self-service terminal';
        process.stdout.write(
          `provisioned ${where}: ${config.roster.length} staff, ${config.serviceItems.length} service items, ` +
            `${config.reasonTags.length} reason tags (data: ${options.data})\n`,
        );
      },
    );

  program
    .command('demo')
    .description('the whole product on embedded defaults: central system, kiosk, simulated evaluator, screens')
    .option('--data <dir>', 'data folder for the demo', join(process.cwd(), '.data', 'demo'))
    .option('--port <port>', 'port for the kiosk (screens and local API)', port, 8710)
    .option('--central-port <port>', 'port for the embedded central system', port, CENTRAL_DEFAULT_PORT)
    .option('--no-browser', 'do not open the screens in Chromium')
    .action(async (options: { data: string; port: number; centralPort: number; browser: boolean }) => {
      const { runDemo } = await import('./demo.js');
      await runDemo({
        dataDir: options.data,
        port: options.port,
        centralPort: options.centralPort,
        openBrowser: options.browser,
        logger: createRootLogger({ level: 'warn' }),
      });
    });

  program.addCommand(centralCommand(defaultCentralDir()));

  program
    .command('sim')
    .description('an interactive five-key evaluator on a serial port (the device side of the protocol)')
    .requiredOption('--port <path>', 'serial port to speak on, e.g. one end of a socat pty pair')
    .option('--baud <rate>', `line speed: ${BAUD_RATES.join(', ')}`, baud, 9600)
    .action(async (options: { port: string; baud: BaudRate }) => {
      const { runSimulator } = await import('./sim.js');
      await runSimulator(options);
    });

  program
    .command('pin-hash')
    .description('print the scrypt hash of a PIN, for the pinHash field of a provision file')
    .argument('<pin>', '4 to 8 digits')
    .action(async (pin: string) => {
      if (!PIN_PATTERN.test(pin)) throw new InvalidArgumentError('a PIN is 4 to 8 digits');
      process.stdout.write(`${await hashPin(pin)}\n`);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    const e = error as Error & { code?: string };
    process.stderr.write(`hcp: ${e.message}\n`);
    process.exitCode = e.code === 'EADDRINUSE' ? 3 : 2;
  }
}
