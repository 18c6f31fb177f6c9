/**
 * The one definition of an id on every boundary: every route parameter, command field and record field that holds
 * an id is checked against these before it reaches a repository or a database. Lower-case canonical form only, so
 * the same id never has two spellings. Runs everywhere (pure).
 */
import { z } from 'zod';

/** Any RFC 9562 UUID in canonical lower-case form (device ids, invitation ids, record ids). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** A UUIDv7: the ids kiosks and the centre make (time-ordered). */
export const UUIDV7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const UuidSchema = z.string().regex(UUID_PATTERN, 'a UUID (lower-case, canonical form)');
export const UuidV7Schema = z.string().regex(UUIDV7_PATTERN, 'a UUIDv7');

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-31): the tally day, report ranges. */
export const DaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day: YYYY-MM-DD')
  .refine((day) => {
    const date = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
  }, 'no such day');
