/** The soak's verdict must be able to fail: each kind of wrong outcome is caught. */
import { describe, expect, it } from 'vitest';
import { Ledger, verify, type CentralEvaluation } from './ledger.js';

function ledgerOf(presses: [id: string, level: number, acked: boolean][]): Ledger {
  const ledger = new Ledger();
  for (const [id, level, acked] of presses) ledger.presses.set(id, { caseNo: `SOAK-${id}`, level, acked });
  return ledger;
}

const rated = (id: string, satisfaction: number, caseNo = `SOAK-${id}`): CentralEvaluation => ({
  id,
  outcome: 'rated',
  satisfaction,
  case_no: caseNo,
});

describe('the soak verdict', () => {
  const ledger = ledgerOf([
    ['a', 5, true],
    ['b', 1, true],
    ['c', 3, false], // a fault cut its ACK: stored or not, both are right
    ['d', 2, false],
  ]);
  const kiosk = new Map([
    ['a', 5],
    ['b', 1],
    ['c', 3],
  ]);

  it('passes when every acknowledged rating is held once with its level', () => {
    const central = [rated('a', 5), rated('b', 1), rated('c', 3), { ...rated('d', 2), outcome: 'cancelled' }];
    expect(verify(ledger, central, kiosk)).toEqual([]);
  });

  it('catches a lost rating, a wrong level, an extra one, a double and an undelivered one', () => {
    const problems = verify(
      ledger,
      [rated('b', 2), rated('c', 3), rated('x', 4), rated('y', 3, 'SOAK-c')],
      new Map([...kiosk, ['x', 4]]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^lost: SOAK-a/),
        expect.stringMatching(/^wrong level: SOAK-b pressed 1, the centre holds 2/),
        expect.stringMatching(/^extra: .*\(x\)/),
        expect.stringMatching(/^doubled: SOAK-c rated 2 times/),
        expect.stringMatching(/^undelivered: the kiosk holds rating a/),
        expect.stringMatching(/the kiosk and the centre disagree about b/),
      ]),
    );
  });

  it('reports answers the local API should never have given', () => {
    const unexpected = ledgerOf([]);
    unexpected.unexpected.push('POST /invitations answered 500 {}');
    expect(verify(unexpected, [], new Map())).toEqual(['POST /invitations answered 500 {}']);
  });
});
