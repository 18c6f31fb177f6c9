/**
 * One role's screen over a client, made once per role and page: the stores subscribe to the client's events for
 * the page's life. Runs in the browser.
 */
import { useEffect, type ReactNode } from 'react';
import type { UiRole } from '../shared/ui-contract.js';
import { CitizenScreen } from './citizen/citizen-screen.js';
import { createCitizenStore } from './citizen/citizen-store.js';
import { StaffPanel } from './staff/staff-panel.js';
import { createStaffStore } from './staff/staff-store.js';
import { TechScreen } from './tech/tech-screen.js';
import { createTechStore } from './tech/tech-store.js';
import type { UiClient } from './ui-client.js';
import { useLang, useT } from './i18n.js';

const made = new WeakMap<UiClient, Map<UiRole, ReactNode>>();

/**
 * The screen of `role`. The client is typed for that role here: the kiosk answers only the commands of the role
 * its channel (the Electron window, or the browser host's screen token) is bound to, whatever this page sends.
 */
export function screenFor(role: UiRole, client: UiClient): ReactNode {
  const screens = made.get(client) ?? new Map<UiRole, ReactNode>();
  made.set(client, screens);
  let screen = screens.get(role);
  if (screen === undefined) {
    if (role === 'technician') screen = <TechScreen store={createTechStore(client as UiClient<'technician'>)} />;
    else if (role === 'staff') screen = <StaffPanel store={createStaffStore(client as UiClient<'staff'>)} />;
    else screen = <CitizenScreen store={createCitizenStore(client as UiClient<'citizen'>)} />;
    screen = <Titled role={role}>{screen}</Titled>;
    screens.set(role, screen);
  }
  return screen;
}

/** Each screen names its page (the tab, the task bar, a screen reader): 好差评 · and the screen's own name. */
function Titled({ role, children }: { role: UiRole; children: ReactNode }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  useEffect(() => {
    document.title = t(`title_${role}`);
  }, [role, lang, t]);
  return children;
}
