/**
 * An outbox entry as it goes on the wire, and as a log line may name it. Runs in Node.
 */
import type { Logger } from '../../common/logger.js';
import type { SyncRecord } from '../../shared/records.js';
import type { KioskContext } from '../context.js';
import type { OutboxEntry } from '../store/outbox-repo.js';

/**
 * The outbox payload with personal data opened, as the centre takes it. A sealed field the data key does not open
 * (a database restored from another device?) goes as null: the rating goes on without it, and the failure is logged.
 */
export function toWire(entry: OutboxEntry, ctx: Pick<KioskContext, 'sealer'>, log: Logger): Record<string, unknown> {
  const record = JSON.parse(entry.payload) as SyncRecord;
  const open = (sealed: { sealed: string } | null, context: string): unknown => {
    if (!sealed) return null;
    try {
      return ctx.sealer.open(Buffer.from(sealed.sealed, 'base64'), context);
    } catch (error) {
      log.error({ err: error, ...namedInLog(entry) }, 'sealed personal data could not be opened');
      return null;
    }
  };
  if (record.kind === 'evaluation') return { ...record, rater: open(record.rater, record.id) };
  if (record.kind === 'followup') return { ...record, callbackPhone: open(record.callbackPhone, record.id) };
  return { ...record };
}

/**
 * How a log line names a record. The log file sits on the counter PC: a follow-up's id (a UUIDv7, so a time) would
 * date a 差评 there, so a follow-up is named by its kind only.
 */
export function namedInLog(entry: Pick<OutboxEntry, 'recordId' | 'kind'>): { recordId?: string; kind: string } {
  return entry.kind === 'followup' ? { kind: entry.kind } : { recordId: entry.recordId, kind: entry.kind };
}
