/**
 * One rating as it travels to the centre (a rated evaluation, `src/shared/wire-records.ts`), made without a kiosk:
 * the simulated fleet sends these, and the PouchDB peer stores the same fields as its documents.
 */
import { uuidv7 } from '../src/common/ids.js';
import type { WireEvaluation } from '../src/shared/wire-records.js';

/**
 * The `i`-th rating of a window kiosk of the hall `seedHall` creates (W01, staff 1001, item SC-0001), or of
 * another window, staff member and item as `fields` say, made at `now`.
 */
export function ratingRecord(
  i: number,
  fields: Partial<Pick<WireEvaluation, 'staffNo' | 'windowCode' | 'departmentCode' | 'serviceItemCode'>> = {},
  now = Date.now(),
): WireEvaluation {
  const at = new Date(now).toISOString();
  return {
    kind: 'evaluation',
    id: uuidv7(now),
    channel: 'hall_window',
    mode: 'window',
    outcome: 'rated',
    satisfaction: ((i % 5) + 1) as WireEvaluation['satisfaction'],
    source: 'serial',
    invitedAt: at,
    expiresAt: new Date(now + 60_000).toISOString(),
    endedAt: at,
    shiftId: null,
    staffNo: '1001',
    windowCode: 'W01',
    departmentCode: 'SCJG',
    serviceItemCode: 'SC-0001',
    caseNo: `C-${i}`,
    ticketNo: null,
    rater: null,
    ...fields,
  };
}
