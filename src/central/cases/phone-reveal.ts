/**
 * The one audited way to the rater's callback phone (第五条, issue 16): `POST /cases/:id/reveal-phone` with a stated
 * purpose. Only a handler of the case's department or a supervisor (the route's ability, cases.reveal_phone, and
 * the case's scope), only while the case is in a state that needs contact (CONTACT_STATES: 待核实, 核实中, 回访).
 * The reveal is written to the audit log (`case.phone_revealed`, with the purpose and never the number) and to the
 * case's timeline in the transaction that opens the sealed number, so no number is shown without its entry. Runs in
 * Node.
 */
import type { FastifyRequest } from 'fastify';
import type { Sealer } from '../../common/data-key.js';
import { HttpError } from '../../common/http.js';
import { uuidv7 } from '../../common/ids.js';
import { CONTACT_STATES, CASE_STATE_LABELS, type CaseActor } from '../../shared/cases.js';
import type { PhoneReveal } from '../../shared/cases-api.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { Queryable } from '../db/database.js';
import { caseRow, notFound } from './case-repository.js';

export async function revealPhone(
  tx: Queryable,
  sealer: Sealer,
  request: FastifyRequest,
  actor: CaseActor,
  caseId: string,
  purpose: string,
  now = new Date(),
): Promise<PhoneReveal> {
  const row = await caseRow(tx, caseId, actor, true);
  if (!row) throw notFound();
  if (actor.role !== 'handler' && actor.role !== 'supervisor') {
    throw new HttpError(403, 'forbidden', `the role ${actor.role} may not reveal a rater's phone`);
  }
  if (!CONTACT_STATES.includes(row.state)) {
    throw new HttpError(
      409,
      'wrong_state',
      `the phone is revealed only while the rater is to be contacted, not in ${CASE_STATE_LABELS[row.state].zh}`,
    );
  }
  const [followup] = await tx.query<{ id: string; sealed: Buffer }>(
    `SELECT f.id::text AS id, f.callback_phone_sealed AS sealed
       FROM evaluations e JOIN followups f ON f.evaluation_id = e.id AND f.device_id IS NOT DISTINCT FROM e.device_id
      WHERE e.id = $1 AND f.callback_phone_sealed IS NOT NULL ORDER BY f.at DESC, f.id DESC LIMIT 1`,
    [row.evaluationId],
  );
  if (!followup) throw new HttpError(404, 'no_phone', 'the rater left no callback number');
  const phone = sealer.open<string>(followup.sealed, followup.id);
  const who = request.actor;
  await tx.query(
    `INSERT INTO case_events (id, case_id, action, from_state, to_state, actor_id, actor_name, actor_role, at, detail)
     VALUES ($1, $2, 'phone_revealed', $3, $3, $4, $5, $6, $7, $8)`,
    [
      uuidv7(),
      caseId,
      row.state,
      who?.kind === 'account' ? who.id : null,
      who?.name ?? 'unknown',
      who?.role ?? null,
      now,
      JSON.stringify({ purpose }),
    ],
  );
  await auditWithin(tx, request, 'case.phone_revealed', `case:${caseId}`, { number: row.number, purpose });
  return { phone };
}
