/**
 * The alerts (issue 16): delivery of the outbox (outbox.ts) by the job queue to the console's notifications,
 * webhooks and SMS. Being built: see issue 16.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { CentralDb } from '../db/database.js';
import type { CalendarCache } from '../calendar/calendar.js';

export interface AlertsContext {
  db: CentralDb;
  logger: FastifyBaseLogger;
  calendar: CalendarCache;
}

export interface Alerts {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAlerts(_context: AlertsContext): Alerts {
  return { start: async () => {}, stop: async () => {} };
}

export function registerAlertRoutes(_admin: FastifyInstance, _context: { db: CentralDb; alerts: Alerts }): void {}
