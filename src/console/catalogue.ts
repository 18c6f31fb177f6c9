/**
 * The catalogue's lists (departments, windows, service items, staff) as the console's pages use them: to offer
 * filters and to show names for the codes the records carry. Scoped by the centre (a handler gets its own
 * departments' only); a role without `catalogue.read` (the auditor) gets none and the pages show codes. Runs in
 * the browser.
 */
import { useQuery } from '@tanstack/react-query';
import { get } from './api.js';
import { useAuth } from './auth.js';

export interface CatalogueEntry {
  code: string;
  name: string;
  departmentCode?: string;
}

interface StaffRow {
  staffNo: string;
  name: string;
  departmentCode: string;
  active: boolean;
}

const LISTS = {
  departments: 'departments',
  windows: 'windows',
  serviceItems: 'service-items',
  staff: 'staff',
} as const;

export interface Catalogue {
  departments: CatalogueEntry[];
  windows: CatalogueEntry[];
  serviceItems: CatalogueEntry[];
  /** Staff by `code` = staff number. */
  staff: CatalogueEntry[];
  /**
   * `name（code）` (or the name alone, `withCode` false), or the code alone when the name is not known (or the role
   * may not read the catalogue).
   */
  nameOf: (list: keyof typeof LISTS, code: string | null | undefined, withCode?: boolean) => string;
}

function useList(list: keyof typeof LISTS, enabled: boolean) {
  return useQuery({
    queryKey: ['catalogue', list],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async (): Promise<CatalogueEntry[]> => {
      if (list === 'staff') {
        const rows = await get<StaffRow[]>('/api/v1/admin/staff');
        return rows.map((s) => ({ code: s.staffNo, name: s.name, departmentCode: s.departmentCode }));
      }
      return get<CatalogueEntry[]>(`/api/v1/admin/${LISTS[list]}`);
    },
  });
}

export function useCatalogue(): Catalogue {
  const { can } = useAuth();
  const enabled = can('catalogue.read');
  const departments = useList('departments', enabled);
  const windows = useList('windows', enabled);
  const serviceItems = useList('serviceItems', enabled);
  const staff = useList('staff', enabled);
  const lists = {
    departments: departments.data ?? [],
    windows: windows.data ?? [],
    serviceItems: serviceItems.data ?? [],
    staff: staff.data ?? [],
  };
  return {
    ...lists,
    nameOf: (list, code, withCode = true) => {
      if (!code) return '—';
      const entry = lists[list].find((e) => e.code === code);
      return entry ? (withCode ? `${entry.name}（${code}）` : entry.name) : code;
    },
  };
}
