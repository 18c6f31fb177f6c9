/** The working-day calendar's admin routes (issue 16). Being built: see issue 16. */
import type { FastifyInstance } from 'fastify';
import type { CentralDb } from '../db/database.js';
import type { CalendarCache } from './calendar.js';

export function registerCalendarRoutes(
  _admin: FastifyInstance,
  _context: { db: CentralDb; calendar: CalendarCache },
): void {}
