/**
 * The kiosk service as a program of its own, for the Electron shell's utility process: the same service `hcp kiosk`
 * runs, configured from the environment the shell sets (HCP_DATA, HCP_SERIAL, HCP_BAUD, HCP_API_PORT). Runs in Node.
 */
import { createRootLogger } from '../common/logger.js';
import type { BaudRate } from '../hardware/transport.js';
import { runKiosk } from './run-kiosk.js';

const dataDir = process.env.HCP_DATA;
if (!dataDir) throw new Error('HCP_DATA must name the kiosk data folder');
const logger = createRootLogger();
const running = await runKiosk({
  dataDir,
  port: Number(process.env.HCP_API_PORT ?? 8710),
  logger,
  serial: process.env.HCP_SERIAL
    ? { path: process.env.HCP_SERIAL, baudRate: Number(process.env.HCP_BAUD ?? 9600) as BaudRate }
    : undefined,
});
process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
