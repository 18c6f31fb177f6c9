/**
 * What departments an actor may see (issue 15), as outline's `user.collectionIds()`: one method, applied in SQL by
 * every route that reads a department's data (evaluations, statistics, devices, staff). A `handler` sees its own
 * departments only (account_departments); every other role sees the whole hall. Runs in Node.
 */
import type { AuditActor } from '../../shared/audit.js';

export class DepartmentScope {
  /** The whole hall. */
  static readonly ALL = new DepartmentScope(null);

  /** `accountId`'s departments, or the whole hall when null. */
  private constructor(readonly accountId: string | null) {}

  static of(actor: AuditActor | undefined): DepartmentScope {
    if (actor?.role !== 'handler') return DepartmentScope.ALL;
    // A handler without an id (none is made so) sees nothing rather than everything.
    return new DepartmentScope(actor.id ?? '00000000-0000-0000-0000-000000000000');
  }

  /**
   * A condition that `column` (a department code) is one of the scope's departments, its parameter pushed onto
   * `params`; `TRUE` for the whole hall.
   */
  departmentIn(column: string, params: unknown[]): string {
    if (this.accountId === null) return 'TRUE';
    params.push(this.accountId);
    return `${column} IN (SELECT department_code FROM account_departments WHERE account_id = $${params.length}::uuid)`;
  }
}
