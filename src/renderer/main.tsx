/**
 * The screens' entry: the citizen screen at /, the staff panel at /staff, technician mode at /tech. In the browser
 * host each is behind its pairing: a screen the technician has not paired shows the pairing screen, and a paired
 * one shows its token's role's screen, whatever the address. Runs in the browser.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PairingGate } from './pairing/pairing-screen.js';
import { screenFor } from './screen-for-role.js';
import { connectUi, roleOfPage } from './ui-client.js';
import './styles.css';

const { client, pairing } = connectUi();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PairingGate pairing={pairing} role={roleOfPage()} screen={(role) => screenFor(role, client)} />
  </StrictMode>,
);
