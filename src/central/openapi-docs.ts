/**
 * What a route declares for the OpenAPI document beside its zod schemas: its tag (one per domain) and who may call
 * it (the security schemes of src/central/openapi.ts), and the shapes of its binary bodies and answers (.xlsx).
 * Imports no route module, so that every route module may use it. Runs in Node.
 */
import { z } from 'zod';
import { XLSX_CONTENT_TYPE } from '../shared/excel.js';

/** The tags of the document, one per domain, in the order Swagger UI shows them. */
export const OPENAPI_TAGS = [
  { name: 'auth', description: 'Sessions: login, logout, the signed-in account, change of password (登录)' },
  { name: 'accounts', description: 'The centre’s people and their roles (账号)' },
  { name: 'api-keys', description: 'Keys for programs: the hall’s 办件/叫号 systems, scripts (API 密钥)' },
  { name: 'audit', description: 'The append-only audit log (审计日志)' },
  { name: 'catalogue', description: 'Departments, windows, service items, staff, reason tags (配置)' },
  { name: 'settings', description: 'Hall settings sent to every kiosk (设置)' },
  { name: 'devices', description: 'The fleet of kiosks and their enrolment (设备)' },
  { name: 'evaluations', description: 'Evaluation records and statistics (评价记录)' },
  { name: 'cases', description: 'The 差评 cases: routed, handled by a deadline, revisited and re-checked (差评工单)' },
  { name: 'calendar', description: 'The working-day calendar: holidays and 调休 (工作日历)' },
  { name: 'alerts', description: 'Notifications, webhooks and SMS of the 差评 cases (通知与告警)' },
  { name: 'device API', description: 'What a kiosk calls, signed with its Ed25519 key (终端接口)' },
  {
    name: 'channels',
    description: 'The rating channels: online platform, mobile, hotline, SMS, with a channel’s API key (评价渠道)',
  },
  { name: 'suggestions', description: 'The 意见箱: what anyone leaves, and the centre’s workflow for it (意见箱)' },
  { name: 'system', description: 'Health check' },
] as const;
export type OpenApiTag = (typeof OPENAPI_TAGS)[number]['name'];

/** Security requirements of the document, by who may call a route. */
type Security = { [scheme: string]: string[] }[];
export const ADMIN_SECURITY: Security = [{ session: [], csrf: [] }, { apiKey: [] }];
export const SESSION_SECURITY: Security = [{ session: [], csrf: [] }];
/** The rating channels' API: an API key of scope `channel:<name>`. */
export const CHANNEL_SECURITY: Security = [{ apiKey: [] }];
export const DEVICE_SECURITY: Security = [{ deviceId: [], deviceTimestamp: [], deviceSignature: [] }];

/**
 * An .xlsx answer, as its content type and bytes. A Buffer is sent as it is (Fastify serializes no Buffer), so this
 * documents and never changes what is sent.
 */
export const xlsxAnswer = (description: string) => ({
  200: {
    description,
    content: { [XLSX_CONTENT_TYPE]: { schema: z.string().meta({ format: 'binary' }) } },
  },
});

/**
 * An .xlsx request body (with `consumes: [XLSX_CONTENT_TYPE]`): documented as the file's bytes; the route itself
 * answers 415 to anything else, so the schema lets every body through to it.
 */
export const xlsxBody = (description: string) => z.unknown().meta({ type: 'string', format: 'binary', description });
