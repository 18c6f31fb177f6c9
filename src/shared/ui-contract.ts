/**
 * The contract between the kiosk service and the screens it drives (the citizen screen, later the staff panel
 * and technician mode): commands the UI may send and events it is told. Carried by interchangeable transports
 * (Node IPC from the Electron shell, a WebSocket in the browser host); every message is validated on arrival.
 * Runs everywhere (pure).
 */
import { z } from 'zod';
import type { KioskEvent } from './kiosk-events.js';
import type { Result } from './result.js';
import { SATISFACTION_LEVELS } from './satisfaction.js';

export const SatisfactionSchema = z.union(SATISFACTION_LEVELS.map((l) => z.literal(l)));

export const FollowUpRequest = z
  .strictObject({
    invitationId: z.string().uuid(),
    reasonTags: z.array(z.string().min(1).max(64)).max(20),
    callbackPhone: z
      .string()
      .trim()
      .regex(/^\+?[0-9-]{5,20}$/, 'digits, optionally with + and -')
      .optional(),
    comment: z.string().trim().min(1).max(200).optional(),
  })
  .refine((f) => f.reasonTags.length > 0 || f.callbackPhone !== undefined || f.comment !== undefined, {
    message: 'a follow-up needs a reason tag, a callback number or a comment',
  });
export type FollowUpRequest = z.infer<typeof FollowUpRequest>;

/** Commands a rater-facing screen may send. A press from a touchscreen or a keyboard-wedge evaluator. */
export const UiCommand = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('status') }),
  z.strictObject({
    name: z.literal('press'),
    level: SatisfactionSchema,
    source: z.enum(['touch', 'keyboard']),
  }),
  z.strictObject({ name: z.literal('followUp'), request: FollowUpRequest }),
]);
export type UiCommand = z.infer<typeof UiCommand>;

/** Transport framing: a command with a correlation id, its result, or an event pushed by the service. */
export const UiRequestMessage = z.strictObject({
  type: z.literal('command'),
  id: z.number().int().nonnegative(),
  command: z.unknown(),
});

export type UiMessage = { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; event: KioskEvent };
