/**
 * The screens' entry: the citizen screen at /, the staff panel at /staff, technician mode at /tech, each behind the
 * browser host's pairing (a screen the technician has not paired shows the pairing screen). Runs in the browser.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CitizenScreen } from './citizen/citizen-screen.js';
import { createCitizenStore } from './citizen/citizen-store.js';
import { PairingGate } from './pairing/pairing-screen.js';
import { StaffPanel } from './staff/staff-panel.js';
import { createStaffStore } from './staff/staff-store.js';
import { TechScreen } from './tech/tech-screen.js';
import { createTechStore } from './tech/tech-store.js';
import { connectUi } from './ui-client.js';
import './styles.css';

const route = (path: string) => location.pathname.startsWith(path) || location.hash === `#${path}`;

function screen() {
  if (route('/tech')) {
    const { client, pairing } = connectUi('technician');
    return { pairing, element: <TechScreen store={createTechStore(client)} /> };
  }
  if (route('/staff')) {
    const { client, pairing } = connectUi('staff');
    return { pairing, element: <StaffPanel store={createStaffStore(client)} /> };
  }
  const { client, pairing } = connectUi('citizen');
  return { pairing, element: <CitizenScreen store={createCitizenStore(client)} /> };
}

const { pairing, element } = screen();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PairingGate pairing={pairing}>{element}</PairingGate>
  </StrictMode>,
);
