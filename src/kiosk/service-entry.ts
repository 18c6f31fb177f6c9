/**
 * The kiosk service as a program of its own, for the Electron shell's utility process: the same service `hcp kiosk`
 * runs, configured from the environment the shell sets (HCP_DATA, HCP_SERIAL, HCP_BAUD, HCP_API_PORT). Runs in Node.
 */
import { createRootLogger } from '../common/logger.js';
import type { BaudRate } from '../hardware/transport.js';
import { electronParentPort } from './host/utility-host.js';
import { runKiosk } from './run-kiosk.js';

/**
 * Under the Electron shell the device key arrives from the main process, unwrapped from the OS key store, as the
 * first message (`{ type: 'device-key', pem }`, pem null when there is none). Elsewhere it is read from DATA.
 */
function deviceKeyFromShell(): Promise<string | undefined> {
  const parent = electronParentPort();
  if (!parent) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 10_000);
    parent.on('message', (event) => {
      const message = event.data as { type?: unknown; pem?: unknown };
      if (message.type !== 'device-key') return;
      clearTimeout(timer);
      resolve(typeof message.pem === 'string' ? message.pem : undefined);
    });
  });
}

const dataDir = process.env.HCP_DATA;
if (!dataDir) throw new Error('HCP_DATA must name the kiosk data folder');
const logger = createRootLogger();
const running = await runKiosk({
  dataDir,
  deviceKeyPem: await deviceKeyFromShell(),
  port: Number(process.env.HCP_API_PORT ?? 8710),
  logger,
  serial: process.env.HCP_SERIAL
    ? { path: process.env.HCP_SERIAL, baudRate: Number(process.env.HCP_BAUD ?? 9600) as BaudRate }
    : undefined,
});
process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
