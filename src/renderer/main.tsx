/** The screens' entry: the citizen screen at /, the staff panel at /staff. Runs in the browser. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CitizenScreen } from './citizen/citizen-screen.js';
import { createCitizenStore } from './citizen/citizen-store.js';
import { StaffPanel } from './staff/staff-panel.js';
import { createStaffStore } from './staff/staff-store.js';
import { connectUi } from './ui-client.js';
import './styles.css';

const isStaff = location.pathname.startsWith('/staff') || location.hash === '#/staff';
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {isStaff ? (
      <StaffPanel store={createStaffStore(connectUi('staff'))} />
    ) : (
      <CitizenScreen store={createCitizenStore(connectUi('citizen'))} />
    )}
  </StrictMode>,
);
