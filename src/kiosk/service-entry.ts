/**
 * The kiosk service as a program of its own, for the Electron shell's utility process: the same service `hcp kiosk`
 * runs, configured from the environment the shell sets (HCP_DATA, HCP_SERIAL, HCP_BAUD, HCP_API_PORT, HCP_CA_FILE,
 * HCP_INSECURE_HTTP). Runs in Node.
 */
import { createRootLogger } from '../common/logger.js';
import type { BaudRate } from '../hardware/transport.js';
import { electronParentPort } from './host/utility-host.js';
import { runKiosk } from './run-kiosk.js';

/**
 * Under the Electron shell the device key and the data key arrive from the main process, unwrapped from the OS key
 * store, as the first message (`{ type: 'device-key', pem, dataKey }`, each null when there is none: then it is read
 * from DATA, as without the shell).
 */
function secretsFromShell(): Promise<{ pem?: string; dataKey?: string }> {
  const parent = electronParentPort();
  if (!parent) return Promise.resolve({});
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({}), 10_000);
    parent.on('message', (event) => {
      const message = event.data as { type?: unknown; pem?: unknown; dataKey?: unknown };
      if (message.type !== 'device-key') return;
      clearTimeout(timer);
      resolve({
        pem: typeof message.pem === 'string' ? message.pem : undefined,
        dataKey: typeof message.dataKey === 'string' ? message.dataKey : undefined,
      });
    });
  });
}

const dataDir = process.env.HCP_DATA;
if (!dataDir) throw new Error('HCP_DATA must name the kiosk data folder');
const logger = createRootLogger();
const secrets = await secretsFromShell();
const running = await runKiosk({
  dataDir,
  deviceKeyPem: secrets.pem,
  dataKey: secrets.dataKey,
  insecureHttp: process.env.HCP_INSECURE_HTTP === '1',
  caFile: process.env.HCP_CA_FILE || undefined,
  port: Number(process.env.HCP_API_PORT ?? 8710),
  logger,
  serial: process.env.HCP_SERIAL
    ? { path: process.env.HCP_SERIAL, baudRate: Number(process.env.HCP_BAUD ?? 9600) as BaudRate }
    : undefined,
});
process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
