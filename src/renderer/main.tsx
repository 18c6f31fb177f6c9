/** The screens' entry: the citizen screen at /, the staff panel at /staff, technician mode at /tech. Runs in the browser. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CitizenScreen } from './citizen/citizen-screen.js';
import { createCitizenStore } from './citizen/citizen-store.js';
import { StaffPanel } from './staff/staff-panel.js';
import { createStaffStore } from './staff/staff-store.js';
import { TechScreen } from './tech/tech-screen.js';
import { createTechStore } from './tech/tech-store.js';
import { connectUi } from './ui-client.js';
import './styles.css';

const route = (path: string) => location.pathname.startsWith(path) || location.hash === `#${path}`;
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {route('/tech') ? (
      <TechScreen store={createTechStore(connectUi('technician'))} />
    ) : route('/staff') ? (
      <StaffPanel store={createStaffStore(connectUi('staff'))} />
    ) : (
      <CitizenScreen store={createCitizenStore(connectUi('citizen'))} />
    )}
  </StrictMode>,
);
