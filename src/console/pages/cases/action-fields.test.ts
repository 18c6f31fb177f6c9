import { describe, expect, it } from 'vitest';
import { CASE_ACTION_INPUTS, CASE_ACTIONS } from '../../../shared/cases.js';
import { actionFields, inputOf } from './action-fields.js';

const required = (action: Parameters<typeof actionFields>[0]) =>
  actionFields(action)
    .filter((f) => f.required)
    .map((f) => f.name);

describe("an action's form, from its input schema", () => {
  it('has a field for every key of every action, and no other', () => {
    for (const action of CASE_ACTIONS) {
      const keys = Object.keys((CASE_ACTION_INPUTS[action] as unknown as { shape: object }).shape);
      expect(actionFields(action).map((f) => f.name)).toEqual(keys);
    }
  });

  it('requires what the centre requires: a note to 改派 but not to 分派, evidence for 无效评价, a date to rectify', () => {
    expect(required('assign')).toEqual(['departmentCode']);
    expect(required('reassign')).toEqual(['departmentCode', 'note']);
    expect(required('request_invalid')).toEqual(['note', 'attachments']);
    expect(required('contact')).toEqual(['method', 'note']);
    expect(required('rectify')).toEqual(['note', 'promisedBy']);
    expect(required('record_revisit')).toEqual(['result', 'method', 'note']);
    expect(required('close')).toEqual([]);
  });

  it('sends an empty field as absent, so that an optional one parses and a required one is refused', () => {
    const input = inputOf({ departmentCode: 'SCJG', handlerId: undefined, note: '', attachments: [] });
    expect(input).toEqual({ departmentCode: 'SCJG' });
    expect(CASE_ACTION_INPUTS.assign.safeParse(input).success).toBe(true);
    expect(CASE_ACTION_INPUTS.reassign.safeParse(input).success).toBe(false);
  });

  it("reads a date picker's day as YYYY-MM-DD", () => {
    const picked = { format: (f: string) => (f === 'YYYY-MM-DD' ? '2026-12-30' : '?') };
    expect(inputOf({ note: '培训', newDueDay: picked })).toEqual({ note: '培训', newDueDay: '2026-12-30' });
    expect(CASE_ACTION_INPUTS.request_extension.safeParse(inputOf({ note: '培训', newDueDay: picked })).success).toBe(
      true,
    );
  });
});
