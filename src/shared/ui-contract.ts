/**
 * The contract between the kiosk service and the screens it drives: the citizen screen (faces the rater) and the
 * staff panel. Commands a screen may send and events it is told, carried by interchangeable transports (Electron
 * IPC, a WebSocket in the browser host) and validated on arrival. A screen has a role, and the role decides what it
 * may do: only the citizen screen takes presses (staff must not be able to produce ratings, 第四条), and the staff
 * panel is never told how an invitation was rated (第五条). Runs everywhere (pure).
 */
import { z } from 'zod';
import type { KioskEvent } from './kiosk-events.js';
import { InvitationRequest, LoginRequest, PauseRequest } from './local-api.js';
import type { Result } from './result.js';
import { UuidSchema } from './ids.js';
import { KeyMapSchema } from './key-map.js';
import { SatisfactionSchema } from './satisfaction.js';

export { SatisfactionSchema };

export const FollowUpRequest = z
  .strictObject({
    invitationId: UuidSchema,
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

export const UI_ROLES = ['citizen', 'staff', 'technician'] as const;
export type UiRole = (typeof UI_ROLES)[number];

/** Commands a screen may send. */
export const UiCommand = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('status') }),
  z.strictObject({ name: z.literal('view') }),
  // citizen screen
  z.strictObject({ name: z.literal('press'), level: SatisfactionSchema, source: z.enum(['touch', 'keyboard']) }),
  z.strictObject({ name: z.literal('followUp'), request: FollowUpRequest }),
  // staff panel
  z.strictObject({ name: z.literal('login'), request: LoginRequest }),
  z.strictObject({ name: z.literal('logout') }),
  z.strictObject({ name: z.literal('pause'), request: PauseRequest }),
  z.strictObject({ name: z.literal('resume') }),
  z.strictObject({ name: z.literal('invite'), request: InvitationRequest.omit({ rater: true }) }),
  z.strictObject({ name: z.literal('cancelInvitation'), id: UuidSchema }),
  // technician mode (all but techStatus, setAdminPin and unlock need an unlocked session)
  z.strictObject({ name: z.literal('techStatus') }),
  z.strictObject({ name: z.literal('setAdminPin'), pin: z.string().regex(/^\d{6,8}$/, '6 to 8 digits') }),
  z.strictObject({ name: z.literal('unlock'), pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits') }),
  z.strictObject({ name: z.literal('listPorts') }),
  z.strictObject({
    name: z.literal('setInput'),
    input: z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('serial'),
        path: z.string().min(1).max(200),
        baudRate: z.union([z.literal(9600), z.literal(19200), z.literal(38400), z.literal(115200)]),
      }),
      z.strictObject({ kind: z.literal('keyboard') }),
      z.strictObject({ kind: z.literal('touch') }),
    ]),
    keyMap: KeyMapSchema.optional(),
  }),
  z.strictObject({ name: z.literal('keyTest'), on: z.boolean() }),
  z.strictObject({ name: z.literal('enroll'), centralUrl: z.string().url().max(200), code: z.string().min(4).max(32) }),
  z.strictObject({ name: z.literal('provision'), config: z.unknown() }),
  z.strictObject({ name: z.literal('checkCentral'), centralUrl: z.string().url().max(200).optional() }),
  z.strictObject({ name: z.literal('diagnostics') }),
  z.strictObject({ name: z.literal('retryQuarantined') }),
  z.strictObject({ name: z.literal('exitKiosk') }),
]);
export type UiCommand = z.infer<typeof UiCommand>;
export type UiCommandName = UiCommand['name'];

/** What each role may send. */
export const ROLE_COMMANDS: Readonly<Record<UiRole, readonly UiCommandName[]>> = {
  citizen: ['status', 'view', 'press', 'followUp'],
  staff: ['status', 'view', 'login', 'logout', 'pause', 'resume', 'invite', 'cancelInvitation'],
  technician: [
    'status',
    'view',
    'techStatus',
    'setAdminPin',
    'unlock',
    'listPorts',
    'setInput',
    'keyTest',
    'enroll',
    'provision',
    'checkCentral',
    'diagnostics',
    'retryQuarantined',
    'exitKiosk',
  ],
};

/** Technician commands that work before the session is unlocked with the admin PIN. */
export const OPEN_TECH_COMMANDS: readonly UiCommandName[] = ['status', 'view', 'techStatus', 'setAdminPin', 'unlock'];

/** What the screens show, in one object: who serves, whether service is paused, the open invitation, the lists. */
export interface ScreenView {
  mode: 'window' | 'terminal' | null;
  terminalName: string | null;
  window: { code: string; name: string } | null;
  department: { code: string; name: string } | null;
  staff: { staffNo: string; name: string; photo: string | null } | null;
  paused: { reason: string } | null;
  invitation: {
    id: string;
    expiresAt: string;
    serviceItem: { code: string; name: string | null } | null;
    caseNo: string | null;
  } | null;
  serviceItems: { code: string; name: string }[];
  reasonTags: { code: string; label: string }[];
  ratingWindowSeconds: number;
  /** The level of each evaluator key, left to right (keyboard-wedge evaluators type 1–5 or F1–F5). */
  keyMap: number[];
}

/** Transport framing: a command with a correlation id, its result, or an event pushed by the service. */
export const UiRequestMessage = z.strictObject({
  type: z.literal('command'),
  id: z.number().int().nonnegative(),
  command: z.unknown(),
});

export type UiMessage = { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; event: KioskEvent };

/**
 * The events a role is told. The staff panel learns that an invitation ended, never how: a rating's source and
 * whether a follow-up is open (which would reveal a 差评) are removed.
 */
export function eventForRole(event: KioskEvent, role: UiRole): KioskEvent | null {
  if (event.type === 'evaluator.key') return role === 'technician' ? event : null;
  if (role === 'citizen') return event;
  if (event.type === 'invitation.rated') return { type: 'invitation.done', id: event.id };
  if (event.type === 'press.stray') return null;
  return event;
}
