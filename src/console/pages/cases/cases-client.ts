/**
 * The 差评工单 API as the console calls it (docs/central-api.md, src/shared/cases-api.ts): the list, its counts, a
 * case, an action, an attachment's upload (the file's bytes, not JSON), the audited reveal of the phone, the
 * handlers of a department, and the signed-in account's notifications. Runs in the browser.
 */
import type { CaseAction } from '../../../shared/cases.js';
import type {
  CaseAttachment,
  CaseCounts,
  CaseDetail,
  CasePage,
  CaseQuery,
  Notification,
  PhoneReveal,
} from '../../../shared/cases-api.js';
import { get, post, postBytes, withQuery } from '../../api.js';

const BASE = '/api/v1/admin';

export type CaseFilters = Omit<Partial<CaseQuery>, 'cursor' | 'limit'>;

export const casesKey = ['cases'] as const;
export const caseKey = (id: string) => ['case', id] as const;
export const notificationsKey = ['notifications'] as const;

export const listCases = (filters: CaseFilters, limit: number, cursor: string | undefined) =>
  get<CasePage>(`${BASE}/cases`, { ...filters, limit, cursor });
export const caseCounts = () => get<CaseCounts>(`${BASE}/cases/counts`);
export const caseDetail = (id: string) => get<CaseDetail>(`${BASE}/cases/${encodeURIComponent(id)}`);
export const act = (id: string, action: CaseAction, input: Record<string, unknown>) =>
  post<CaseDetail>(`${BASE}/cases/${encodeURIComponent(id)}/actions`, { action, input });
export const revealPhone = (id: string, purpose: string) =>
  post<PhoneReveal>(`${BASE}/cases/${encodeURIComponent(id)}/reveal-phone`, { purpose });
export const caseHandlers = (departmentCode: string) =>
  get<{ items: { id: string; displayName: string }[] }>(`${BASE}/cases/handlers`, { departmentCode });
export const attachmentUrl = (caseId: string, sha256: string) =>
  `${BASE}/cases/${encodeURIComponent(caseId)}/attachments/${sha256}`;

export const notifications = () => get<{ items: Notification[]; unread: number }>(`${BASE}/notifications`);
export const markRead = (id: string) => post(`${BASE}/notifications/${encodeURIComponent(id)}/read`);
export const markAllRead = () => post(`${BASE}/notifications/read-all`);

/** Sends a file's bytes as the case's attachment; the centre names its type from the content. */
export const uploadAttachment = (caseId: string, file: File): Promise<CaseAttachment> =>
  postBytes(
    withQuery(`${BASE}/cases/${encodeURIComponent(caseId)}/attachments`, { name: file.name }),
    file,
    'application/octet-stream',
  );
