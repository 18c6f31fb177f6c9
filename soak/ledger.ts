/**
 * What the citizen did, as the evaluator saw it, and the rules the soak proves against the centre's database and the
 * kiosk's own: every acknowledged rating at the centre exactly once with the level pressed, and nothing else.
 */
export interface Press {
  caseNo: string;
  level: number;
  acked: boolean;
}

/** What the citizen did, as the evaluator saw it. */
export class Ledger {
  /** Invitations the kiosk opened for the citizen, by id, with the key pressed for each. */
  readonly presses = new Map<string, Press>();
  strays = { pressed: 0, acked: 0 };
  refusedDiskFull = 0;
  cancelledLeftOpen = 0;
  /** Answers the local API should never give (a 4xx/5xx other than the ones faults explain). */
  readonly unexpected: string[] = [];

  get acked(): number {
    return [...this.presses.values()].filter((p) => p.acked).length;
  }
}

export interface CentralEvaluation {
  id: string;
  outcome: string;
  satisfaction: number | null;
  case_no: string;
}

/** Every rule the soak proves; each broken one is a line of the answer. */
export function verify(ledger: Ledger, central: CentralEvaluation[], kioskRated: Map<string, number>): string[] {
  const problems: string[] = [...ledger.unexpected];
  const rated = new Map(central.filter((e) => e.outcome === 'rated').map((e) => [e.id, e]));
  for (const [id, press] of ledger.presses) {
    const held = rated.get(id);
    if (press.acked && !held) problems.push(`lost: ${press.caseNo} (${id}) was acknowledged but the centre lacks it`);
    if (held && held.satisfaction !== press.level) {
      problems.push(`wrong level: ${press.caseNo} pressed ${press.level}, the centre holds ${held.satisfaction}`);
    }
  }
  for (const [id, e] of rated) {
    if (!ledger.presses.has(id)) problems.push(`extra: the centre holds a rating nobody pressed for (${id})`);
    if (kioskRated.get(id) !== e.satisfaction) problems.push(`the kiosk and the centre disagree about ${id}`);
  }
  for (const id of kioskRated.keys()) {
    if (!rated.has(id)) problems.push(`undelivered: the kiosk holds rating ${id}, the centre does not`);
  }
  // The centre's primary keys already forbid one id twice; a case rated twice under two ids would be a double too.
  const perCase = new Map<string, number>();
  for (const e of central) if (e.outcome === 'rated') perCase.set(e.case_no, (perCase.get(e.case_no) ?? 0) + 1);
  for (const [caseNo, n] of perCase) if (n > 1) problems.push(`doubled: ${caseNo} rated ${n} times`);
  return problems;
}
