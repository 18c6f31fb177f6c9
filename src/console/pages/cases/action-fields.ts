/**
 * An action's form, from its input schema (CASE_ACTION_INPUTS in src/shared/cases.ts): the fields it has, which of
 * them are required, and the form's values as the input the centre parses. Runs everywhere (pure).
 */
import type { z } from 'zod';
import { CASE_ACTION_INPUTS, type CaseAction } from '../../../shared/cases.js';

type Values = Record<string, unknown>;

/** The fields of `action`'s input, in the schema's order, and whether each is required. */
export function actionFields(action: CaseAction): { name: string; required: boolean; schema: z.ZodType }[] {
  const shape = (CASE_ACTION_INPUTS[action] as unknown as { shape: Record<string, z.ZodType> }).shape;
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    schema,
    required: !schema.safeParse(undefined).success,
  }));
}

/** A field's value as the schema reads it: a date picker's day (a dayjs value) as `YYYY-MM-DD`. */
export function formValue(value: unknown): unknown {
  if (value && typeof value === 'object' && typeof (value as { format?: unknown }).format === 'function') {
    return (value as { format: (f: string) => string }).format('YYYY-MM-DD');
  }
  return value;
}

/** The form's values as the action's input: empty fields left out (an optional field absent, not ''). */
export function inputOf(values: Values): Values {
  return Object.fromEntries(
    Object.entries(values)
      .map(([k, v]) => [k, formValue(v)] as const)
      .filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)),
  );
}
