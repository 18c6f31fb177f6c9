/**
 * The contract between the kiosk service and the screens it drives: the citizen screen (faces the rater) and the
 * staff panel. Commands a screen may send and events it is told, carried by interchangeable transports (Electron
 * IPC, a WebSocket in the browser host) and validated on arrival. A screen has a role, and the role decides what it
 * may do: only the citizen screen takes presses (staff must not be able to produce ratings, 第四条), and the staff
 * panel is never told how an invitation was rated (第五条). Runs everywhere (pure).
 */
import { z } from 'zod';
import type { KioskEvent } from './kiosk-events.js';
import {
  InvitationRequest,
  LoginRequest,
  PauseRequest,
  type InvitationView,
  type ShiftSummary,
  type ShiftView,
  type StatusView,
} from './local-api.js';
import type { CitizenScreenSettings } from './device-config.js';
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

/**
 * One UI command: the fields it carries besides its `name` (a strict object: an unknown field is refused), the type
 * of the value it answers with, and, for the technician, whether it works before the admin PIN unlocks the session.
 */
export interface CommandSpec<A extends z.ZodRawShape = z.ZodRawShape, R = unknown> {
  readonly args: z.ZodObject<A, z.core.$strict>;
  /** Technician mode: answered before the session is unlocked with the admin PIN. */
  readonly open: boolean;
  /** Never set at run time: carries the result type to both ends. */
  readonly result?: R;
}

/** Declares a command answering with `R`: `command<ShiftView>()({ request: LoginRequest })`. */
function command<R = null>() {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the shape of a command with no fields
  return <A extends z.ZodRawShape = {}>(args: A = {} as A, options: { open?: boolean } = {}): CommandSpec<A, R> => ({
    args: z.strictObject(args),
    open: options.open ?? false,
  });
}

/** What `press` answers: rated (with the follow-up deadline after a 差评), a stray press, or seen by the key test. */
export type PressResult =
  { kind: 'rated'; invitationId: string; followUpUntil: string | null } | { kind: 'stray' } | { kind: 'test' };

/** What technician mode's status says (the service's TechStatus, and whether this session is unlocked). */
export interface TechStatusView {
  adminPinSet: boolean;
  unlocked: boolean;
  provisioned: boolean;
  enrolled: boolean;
  mode: 'window' | 'terminal' | null;
  evaluatorInput: { kind: 'serial'; path: string; baudRate: number } | { kind: 'keyboard' } | { kind: 'touch' };
  keyMap: number[];
  /** Where the key map in force comes from: the centre's configuration, or a local order set in technician mode. */
  keyMapSource: 'central' | 'local';
  /** This kiosk serves the browser host, whose screens the technician pairs (PairedScreenView). */
  screenPairing: boolean;
}

/** A one-time pairing code the technician reads out to (or opens on) the screen being paired. */
export interface PairingCodeView {
  /** Eight digits, single-use. */
  code: string;
  role: UiRole;
  label: string;
  expiresAt: string;
}

/** A paired screen of the browser host, as technician mode lists it: never its token. */
export interface PairedScreenView {
  id: string;
  label: string;
  role: UiRole;
  createdAt: string;
  lastSeenAt: string | null;
  /** A socket of this screen is open now. */
  connected: boolean;
}

export const ScreenLabelSchema = z.string().trim().min(1).max(40);

// Every role may read the status and the view (technician mode before unlocking too: it shows the lock screen).
const COMMON = {
  status: command<StatusView>()({}, { open: true }),
  view: command<ScreenView>()({}, { open: true }),
};

/** The citizen screen: the only one that takes a rating (第四条). */
const CITIZEN_COMMANDS = {
  ...COMMON,
  press: command<PressResult>()({ level: SatisfactionSchema, source: z.enum(['touch', 'keyboard']) }),
  followUp: command<{ id: string }>()({ request: FollowUpRequest }),
};

/** The staff panel: the shift and the invitation, never a rating. */
const STAFF_COMMANDS = {
  ...COMMON,
  login: command<ShiftView>()({ request: LoginRequest }),
  logout: command<ShiftSummary>()(),
  pause: command<ShiftView>()({ request: PauseRequest }),
  resume: command<ShiftView>()(),
  invite: command<InvitationView>()({ request: InvitationRequest.omit({ rater: true }) }),
  cancelInvitation: command()({ id: UuidSchema }),
};

export const EvaluatorInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('serial'),
    path: z.string().min(1).max(200),
    baudRate: z.union([z.literal(9600), z.literal(19200), z.literal(38400), z.literal(115200)]),
  }),
  z.strictObject({ kind: z.literal('keyboard') }),
  z.strictObject({ kind: z.literal('touch') }),
]);

/** Technician mode: all but the status, the view, setAdminPin and unlock need a session unlocked by the admin PIN. */
const TECH_COMMANDS = {
  ...COMMON,
  techStatus: command<TechStatusView>()({}, { open: true }),
  setAdminPin: command()({ pin: z.string().regex(/^\d{6,8}$/, '6 to 8 digits') }, { open: true }),
  unlock: command()({ pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits') }, { open: true }),
  /** The serial ports, and why the list is partial (null when the system's listing worked; PortListNote). */
  listPorts: command<{
    ports: { path: string; manufacturer?: string }[];
    note: 'no_udevadm' | 'no_listing' | null;
  }>()(),
  // keyMap null clears a local override (back to the centre's order).
  setInput: command<unknown>()({ input: EvaluatorInputSchema, keyMap: KeyMapSchema.nullable().optional() }),
  /** On: the session started and when it ends by itself; off: null. */
  keyTest: command<{ id: string; endsAt: string } | null>()({ on: z.boolean() }),
  enroll: command<{ deviceId: string; mode: string; staff: number }>()({
    centralUrl: z.string().url().max(200),
    code: z.string().min(4).max(32),
  }),
  provision: command<{ mode: string; staff: number; serviceItems: number }>()({ config: z.unknown() }),
  checkCentral: command<{ reachable: boolean; url: string | null; message: string }>()({
    centralUrl: z.string().url().max(200).optional(),
  }),
  diagnostics: command<unknown>()(),
  retryQuarantined: command<{ requeued: number }>()(),
  exitKiosk: command<{ exited: boolean }>()(),
  // The browser host's screens (docs/install.md, "Pairing the screens").
  pairScreen: command<PairingCodeView>()({ role: z.enum(UI_ROLES), label: ScreenLabelSchema }),
  listScreens: command<PairedScreenView[]>()(),
  revokeScreen: command()({ id: UuidSchema }),
};

/**
 * Every command, declared once, by role. The role's allowed names, the channel's dispatch (one handler map per
 * role, src/kiosk/host/ui-handlers.ts) and the screens' typed `send` all follow from this table.
 */
export const UI_COMMANDS = {
  citizen: CITIZEN_COMMANDS,
  staff: STAFF_COMMANDS,
  technician: TECH_COMMANDS,
} as const satisfies Record<UiRole, Record<string, CommandSpec>>;

type Table<R extends UiRole> = (typeof UI_COMMANDS)[R];
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** The names of the commands a role may send. */
export type UiCommandName<R extends UiRole = UiRole> = R extends UiRole ? keyof Table<R> & string : never;
/** The fields of command `N` of role `R`, besides its name. */
export type UiCommandArgs<R extends UiRole, N extends UiCommandName<R>> =
  Table<R>[N] extends CommandSpec<infer A, unknown>
    ? [keyof A] extends [never]
      ? NoFields
      : z.infer<z.ZodObject<A, z.core.$strict>>
    : never;
// zod infers `Record<string, never>` for an empty object, which no `{ name }` could be.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoFields = {};
/** What command `N` of role `R` answers with. */
export type UiResultOf<R extends UiRole, N extends UiCommandName<R>> =
  Table<R>[N] extends CommandSpec<z.ZodRawShape, infer T> ? T : never;
/** A command a screen of role `R` may send, as it travels: `{ name, ...fields }`. */
export type UiCommandOf<R extends UiRole = UiRole> = R extends UiRole
  ? { [N in UiCommandName<R>]: Flat<{ name: N } & UiCommandArgs<R, N>> }[UiCommandName<R>]
  : never;
/** What a command named `N` (a name or a union of names) of role `R` answers with. */
export type UiReply<R extends UiRole, N> = R extends UiRole
  ? N extends UiCommandName<R>
    ? UiResultOf<R, N>
    : never
  : never;
/** Any command of any role. */
export type UiCommand = UiCommandOf;

/** The role's own declaration of `name`, if it has one (own properties only: `__proto__` is not a command). */
export function commandSpec(role: UiRole, name: string): CommandSpec | undefined {
  const table: Record<string, CommandSpec> = UI_COMMANDS[role];
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** The names a role may send. */
export function roleCommandNames<R extends UiRole>(role: R): UiCommandName<R>[] {
  return Object.keys(UI_COMMANDS[role]) as UiCommandName<R>[];
}

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
  /** How the citizen screen speaks and how large it writes (hall settings, DeviceConfig.citizenScreen). */
  citizenScreen: CitizenScreenSettings;
  /**
   * The citizen screen's QR code to rate on a phone (issue 17, 第十条(四)): the last invitation that ended unrated,
   * for `secondsLeft` more (a rating window after its end; counted by the screen from when it got the view, so a
   * screen whose clock is off shows it as long). Null on other screens, when not enrolled, and while one is open.
   */
  qrCode: { url: string; secondsLeft: number } | null;
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
  if (event.type === 'evaluator.key' || event.type === 'keytest.ended') return role === 'technician' ? event : null;
  if (role === 'citizen') return event;
  if (event.type === 'invitation.rated') return { type: 'invitation.done', id: event.id };
  if (event.type === 'press.stray') return null;
  return event;
}
