/**
 * 未知事项 (issue 18): the list of item codes ratings carried that the catalogue does not hold, and an admin's
 * mapping of one to a real item. A mapping files the code's ratings under the item (their level, time and
 * everything else unchanged), records the alias so ingest files later ones the same way, and is audited
 * (`catalogue.item_mapped`). Runs in Node.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HttpError, pathParams } from '../../common/http.js';
import {
  UnknownItemMap,
  UnknownItemParam,
  type UnknownItem,
  type UnknownItemMapped,
} from '../../shared/unknown-items.js';
import { auditWithin } from '../audit/audit.routes.js';
import type { CentralDb } from '../db/database.js';
import { ADMIN_SECURITY } from '../openapi-docs.js';

const CodeParam = pathParams(UnknownItemParam, 'no such code');

export function registerUnknownItemRoutes(
  scope: FastifyInstance,
  context: { db: CentralDb; onMapped: () => void },
): void {
  const { db } = context;
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const docs = { tags: ['catalogue'], security: ADMIN_SECURITY };

  r.get(
    '/unknown-items',
    { schema: { ...docs, summary: 'Item codes ratings carried that the catalogue does not hold (未知事项)' } },
    async (): Promise<UnknownItem[]> => {
      const rows = await db.query<{ code: string; ratings: string; firstAt: Date; lastAt: Date }>(
        `SELECT unknown_item_code AS code, count(*) AS ratings, min(invited_at) AS "firstAt",
                max(invited_at) AS "lastAt"
           FROM evaluations WHERE unknown_item_code IS NOT NULL AND service_item_code IS NULL
          GROUP BY unknown_item_code ORDER BY count(*) DESC, unknown_item_code`,
      );
      return rows.map((row) => ({
        code: row.code,
        ratings: Number(row.ratings),
        firstAt: row.firstAt.toISOString(),
        lastAt: row.lastAt.toISOString(),
      }));
    },
  );

  r.post(
    '/unknown-items/:code/map',
    {
      schema: {
        ...docs,
        summary: 'Map an unknown item code to an item of the catalogue, for its ratings so far and later ones',
        params: CodeParam,
        body: UnknownItemMap,
      },
    },
    async (request): Promise<UnknownItemMapped> => {
      const { code } = request.params;
      const { serviceItemCode } = request.body;
      const mapped = await db.transaction(async (tx) => {
        const [item] = await tx.query<{ code: string }>('SELECT code FROM service_items WHERE code = $1', [
          serviceItemCode,
        ]);
        if (!item) throw new HttpError(400, 'unknown_service_item', `no service item ${serviceItemCode}`);
        const [known] = await tx.query<{ code: string }>('SELECT code FROM service_items WHERE code = $1', [code]);
        if (known) throw new HttpError(409, 'item_exists', `${code} is an item of the catalogue: nothing to map`);
        const [alias] = await tx.query<{ target: string }>(
          'SELECT service_item_code AS target FROM service_item_aliases WHERE code = $1 FOR UPDATE',
          [code],
        );
        if (alias && alias.target !== serviceItemCode) {
          throw new HttpError(409, 'already_mapped', `${code} is mapped to ${alias.target} already`);
        }
        if (!alias) {
          await tx.query('INSERT INTO service_item_aliases (code, service_item_code) VALUES ($1, $2)', [
            code,
            serviceItemCode,
          ]);
        }
        const filed = await tx.query<{ id: string }>(
          `UPDATE evaluations SET service_item_code = $2
            WHERE unknown_item_code = $1 AND service_item_code IS NULL RETURNING id`,
          [code, serviceItemCode],
        );
        if (!alias && filed.length === 0) throw new HttpError(404, 'not_found', `no rating carries ${code}`);
        await auditWithin(tx, request, 'catalogue.item_mapped', code, {
          serviceItemCode,
          ratings: filed.length,
        });
        return { code, serviceItemCode, ratings: filed.length };
      });
      context.onMapped();
      return mapped;
    },
  );
}
