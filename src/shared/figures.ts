/**
 * The figures every report computes, declared once so that the statistics, exports and the console never compute
 * one of them two ways. Each is null when its denominator is zero (no figure, rather than a misleading 0 %).
 * Runs everywhere (pure).
 */

/** 差评率: 不满意 + 非常不满意 among the rated invitations of a group. */
export function badRate(bad: number, rated: number): number | null {
  return rated > 0 ? bad / rated : null;
}

/**
 * 撤销率: cancelled invitations among all the invitations of a group (rated, unrated and cancelled alike). A
 * staff member who cancels when sensing a bad rating coming shows here, since cancelled invitations hold no level.
 */
export function cancelRate(cancelled: number, invitations: number): number | null {
  return invitations > 0 ? cancelled / invitations : null;
}

/** 满意率: 非常满意 + 满意 + 基本满意 (levels 5, 4 and 3) among the rated invitations of a group. */
export function satisfactionRate(satisfied: number, rated: number): number | null {
  return rated > 0 ? satisfied / rated : null;
}
