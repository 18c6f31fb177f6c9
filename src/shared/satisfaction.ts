/**
 * The five rating levels of 第八条, numbered as the national 好差评 data interface numbers `satisfaction`.
 * Runs everywhere (pure).
 */
import { z } from 'zod';

export const SATISFACTION_LEVELS = [5, 4, 3, 2, 1] as const;

/** 5 = 非常满意, 4 = 满意, 3 = 基本满意, 2 = 不满意, 1 = 非常不满意. */
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

export const SATISFACTION_LABELS: Readonly<Record<Satisfaction, { zh: string; en: string }>> = {
  5: { zh: '非常满意', en: 'Very satisfied' },
  4: { zh: '满意', en: 'Satisfied' },
  3: { zh: '基本满意', en: 'Basically satisfied' },
  2: { zh: '不满意', en: 'Dissatisfied' },
  1: { zh: '非常不满意', en: 'Very dissatisfied' },
};

/** 第八条: the level a service gets when its rater gives none within this many days. */
export const DEFAULT_SATISFACTION: Satisfaction = 3;
export const DEFAULT_SATISFACTION_AFTER_DAYS = 7;

/** A level on the wire or in a command: one of the five, nothing else. */
export const SatisfactionSchema = z.union(SATISFACTION_LEVELS.map((l) => z.literal(l)));

export function isSatisfaction(value: unknown): value is Satisfaction {
  return typeof value === 'number' && (SATISFACTION_LEVELS as readonly number[]).includes(value);
}

/** 不满意 and 非常不满意 are 差评 (第八条); they open the follow-up and, at the centre, the closed loop. */
export function isBadRating(level: Satisfaction): boolean {
  return level <= 2;
}
