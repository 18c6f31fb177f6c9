/**
 * Whether a host name or address is this machine: 127.0.0.0/8, ::1 (in any spelling, bracketed or not) and
 * localhost. Traffic to it never leaves the machine: the local API may bind there without a token, and the kiosk may
 * speak plain http to a centre there. Runs in Node.
 */
import { isIP } from 'node:net';

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
