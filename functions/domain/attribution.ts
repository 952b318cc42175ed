// Conversions: which touchpoint a purchase is attributed to (last touch within the entry's window; a redeemed coupon
// wins), the stable holdout draw, and the uplift of sending over the holdout with a 95 % confidence interval. Pure.
import { createHash } from 'node:crypto';

/** Days after a touchpoint within which a purchase counts as its conversion, unless the entry says otherwise. */
export const DEFAULT_ATTRIBUTION_DAYS = 7;

/** The last touchpoint a member got (or was held out of): kept on the member, read by the member's next purchase. */
export interface Touch {
  readonly entryId: string;
  readonly period: string;
  readonly at: string;
  readonly days: number;
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  /** 1 or 2 for a follow-up. */
  readonly step?: number;
  /** The member was held out of this touchpoint (control group): a purchase counts for the holdout. */
  readonly holdout?: boolean;
}

/** What an order is attributed to: a touch (or the holdout of one), and how. */
export interface Attribution {
  readonly entryId: string;
  readonly period: string;
  readonly tier: string;
  readonly segment: string;
  readonly variant?: string;
  readonly step?: number;
  readonly holdout?: boolean;
  readonly via: 'coupon' | 'touch';
}

/** The touch a purchase at `at` is attributed to: the last touch, when the purchase falls within its window. */
export function attributedTouch(touch: Touch | undefined, at: string): Attribution | null {
  if (!touch) return null;
  const from = Date.parse(touch.at);
  const purchase = Date.parse(at);
  if (!(purchase >= from && purchase <= from + touch.days * 86_400_000)) return null;
  return {
    entryId: touch.entryId,
    period: touch.period,
    tier: touch.tier,
    segment: touch.segment,
    ...(touch.variant && { variant: touch.variant }),
    ...(touch.step && { step: touch.step }),
    ...(touch.holdout && { holdout: true }),
    via: 'touch',
  };
}

/** The later of two touches (events may arrive out of order: an older one never replaces a newer one). */
export function laterTouch(current: Touch | undefined, next: Touch): Touch {
  return current && Date.parse(current.at) > Date.parse(next.at) ? current : next;
}

/**
 * Whether a member is in an entry's holdout: a draw from a hash of entry and member, so the same member stays in (or
 * out of) the same entry's control group on every send, retry and period.
 */
export function inHoldout(memberId: string, entryId: string, percent: number): boolean {
  if (percent <= 0) return false;
  const digest = createHash('sha256').update(`holdout|${entryId}|${memberId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100 < percent;
}

/** Wilson score interval of a proportion (95 %). */
function wilson(successes: number, n: number): { p: number; low: number; high: number } {
  if (n === 0) return { p: 0, low: 0, high: 1 };
  const z = 1.959964;
  const p = successes / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Uplift {
  /** Conversion rate of those sent to, and of the holdout. */
  readonly sentRate: number;
  readonly holdoutRate: number;
  /** sentRate − holdoutRate, with Newcombe's 95 % interval (hybrid Wilson score: sound for small groups and 0 %). */
  readonly difference: number;
  readonly ci95: { readonly low: number; readonly high: number };
  /** Whether the interval excludes 0. */
  readonly significant: boolean;
}

/** The uplift of sending: conversion rates of the sent and of the holdout, their difference and its interval. */
export function uplift(
  sent: { readonly members: number; readonly converted: number },
  holdout: { readonly members: number; readonly converted: number },
): Uplift | null {
  if (sent.members === 0 || holdout.members === 0) return null;
  const a = wilson(Math.min(sent.converted, sent.members), sent.members);
  const b = wilson(Math.min(holdout.converted, holdout.members), holdout.members);
  const difference = a.p - b.p;
  const low = difference - Math.sqrt((a.p - a.low) ** 2 + (b.high - b.p) ** 2);
  const high = difference + Math.sqrt((a.high - a.p) ** 2 + (b.p - b.low) ** 2);
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return {
    sentRate: round(a.p),
    holdoutRate: round(b.p),
    difference: round(difference),
    ci95: { low: round(low), high: round(high) },
    significant: low > 0 || high < 0,
  };
}
