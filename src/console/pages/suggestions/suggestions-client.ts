/**
 * The 意见箱 API as the console calls it (docs/suggestions.md, src/shared/suggestions.ts): the list, an item with its
 * timeline, and an action. Runs in the browser.
 */
import type {
  SuggestionActionRequest,
  SuggestionDetail,
  SuggestionPage,
  SuggestionQuery,
} from '../../../shared/suggestions.js';
import { get, post } from '../../api.js';

const BASE = '/api/v1/admin/suggestions';

export type SuggestionFilters = Pick<Partial<SuggestionQuery>, 'state' | 'kind'>;

export const suggestionsKey = ['suggestions'] as const;

export const listSuggestions = (filters: SuggestionFilters, limit: number, cursor: string | undefined) =>
  get<SuggestionPage>(BASE, { ...filters, limit, cursor });
export const suggestionDetail = (id: string) => get<SuggestionDetail>(`${BASE}/${encodeURIComponent(id)}`);
export const actOn = (id: string, request: SuggestionActionRequest) =>
  post<SuggestionDetail>(`${BASE}/${encodeURIComponent(id)}/actions`, request);
