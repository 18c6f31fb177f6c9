/**
 * The console's pages, declared once (ant-design-pro's config/routes.ts): each entry gives its path under
 * /console/, the key of its menu label, the ability it needs (src/shared/abilities.ts) and its component, loaded
 * only when the page is first opened. The side menu and the route guard both come from this list, so a page the
 * role may not use is neither in the menu nor reachable by its address (the centre refuses its API regardless).
 * Runs in the browser.
 */
import {
  AlertOutlined,
  AuditOutlined,
  CalendarOutlined,
  DashboardOutlined,
  DesktopOutlined,
  MessageOutlined,
  SettingOutlined,
  TableOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ComponentType, ReactNode } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { useAuth } from './auth.js';
import type { Ability } from '../shared/abilities.js';
import { ConsoleLayout, RequireAbility } from './layout/console-layout.js';
import { NotFoundState } from './components/page-frame.js';
import { LoginPage } from './pages/login/login-page.js';
import { PasswordPage } from './pages/password/password-page.js';
import './pages/config/menu-messages.js';
import './pages/cases/menu-messages.js';
import './pages/suggestions/menu-messages.js';

/** One page of the console. */
export interface ConsolePage {
  /** Its path under /console/ (no leading slash). */
  path: string;
  /** The i18n key of its menu label and title. */
  labelKey: string;
  /** What the signed-in role must be allowed to do to see it. */
  ability: Ability;
  icon: ReactNode;
  /** Loads its component (a separate chunk: charts and tables load with the page that needs them). */
  load: () => Promise<ComponentType>;
  /** Loads the component of one of its entries, at `<path>/:id` (a case of 差评工单). */
  loadEntry?: () => Promise<ComponentType>;
}

/** The menu, in its order. CONSOLE-ADMIN's pages (配置, 账号, 审计) are entries of this list too. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  {
    path: 'overview',
    labelKey: 'menu.overview',
    ability: 'stats.read',
    icon: <DashboardOutlined />,
    load: () => import('./pages/overview/overview-page.js').then((m) => m.OverviewPage),
  },
  {
    path: 'evaluations',
    labelKey: 'menu.evaluations',
    ability: 'evaluations.read',
    icon: <TableOutlined />,
    load: () => import('./pages/evaluations/evaluations-page.js').then((m) => m.EvaluationsPage),
  },
  {
    path: 'cases',
    labelKey: 'menu.cases',
    ability: 'cases.read',
    icon: <AlertOutlined />,
    load: () => import('./pages/cases/cases-page.js').then((m) => m.CasesPage),
    loadEntry: () => import('./pages/cases/case-view.js').then((m) => m.CasePage),
  },
  {
    path: 'suggestions',
    labelKey: 'menu.suggestions',
    ability: 'suggestions.read',
    icon: <MessageOutlined />,
    load: () => import('./pages/suggestions/suggestions-page.js').then((m) => m.SuggestionsPage),
  },
  {
    path: 'devices',
    labelKey: 'menu.devices',
    ability: 'devices.read',
    icon: <DesktopOutlined />,
    load: () => import('./pages/devices/devices-page.js').then((m) => m.DevicesPage),
  },
  {
    path: 'config',
    labelKey: 'menu.config',
    ability: 'catalogue.read',
    icon: <SettingOutlined />,
    load: () => import('./pages/config/config-page.js').then((m) => m.ConfigPage),
  },
  {
    path: 'calendar',
    labelKey: 'menu.calendar',
    ability: 'calendar.read',
    icon: <CalendarOutlined />,
    load: () => import('./pages/calendar/calendar-page.js').then((m) => m.CalendarPage),
  },
  {
    path: 'accounts',
    labelKey: 'menu.accounts',
    ability: 'accounts.manage',
    icon: <TeamOutlined />,
    load: () => import('./pages/accounts/accounts-page.js').then((m) => m.AccountsPage),
  },
  {
    path: 'audit',
    labelKey: 'menu.audit',
    ability: 'audit.read',
    icon: <AuditOutlined />,
    load: () => import('./pages/audit/audit-page.js').then((m) => m.AuditPage),
  },
];

/** Icons CONSOLE-ADMIN's entries may use, so that routes.tsx stays the one list of the menu. */
export const MENU_ICONS = { config: <SettingOutlined />, accounts: <TeamOutlined />, audit: <AuditOutlined /> };

/** The menu entries the signed-in role may use. */
export function useAllowedPages(): ConsolePage[] {
  const { can } = useAuth();
  return CONSOLE_PAGES.filter((page) => can(page.ability));
}

/** /console/ itself: the first page of the menu the role may use. */
function FirstAllowedPage() {
  const [first] = useAllowedPages();
  return first ? <Navigate to={`/${first.path}`} replace /> : <Navigate to="/password" replace />;
}

/** The router: /console/login on its own; every other page inside the layout, behind its ability. */
export function consoleRouter() {
  const pages: RouteObject[] = CONSOLE_PAGES.map((page) => ({
    path: page.path,
    element: <RequireAbility ability={page.ability} />,
    children: [
      { index: true, lazy: async () => ({ Component: await page.load() }) },
      ...(page.loadEntry ? [{ path: ':id', lazy: async () => ({ Component: await page.loadEntry!() }) }] : []),
    ],
  }));
  return createBrowserRouter(
    [
      { path: '/login', element: <LoginPage /> },
      {
        path: '/',
        element: <ConsoleLayout />,
        children: [
          { index: true, element: <FirstAllowedPage /> },
          { path: 'password', element: <PasswordPage /> },
          ...pages,
          { path: '*', element: <NotFoundState /> },
        ],
      },
    ],
    { basename: '/console' },
  );
}
