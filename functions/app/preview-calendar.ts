// Use case: preview a calendar entry before it goes out — audience size per tier (and segment) from the last
// monthly RFM run's counts (no member is read), and the content rendered per channel and locale with sample values.
import type { CalendarEntry } from '#schema/calendar';
import { render } from '#domain/templates';
import { audienceEstimate, type PageReport } from './rfm-scoring.ts';

export const SAMPLE_VARIABLES: Record<'ko' | 'en', Record<string, string>> = {
  ko: {
    name: '홍길동',
    tier: 'VIP',
    coupon: 'VIP-8F3K2Q',
    couponPercent: '5',
    couponValue: '5%',
    validUntil: '2026-12-31',
    unsubscribeUrl: 'https://example.com/unsubscribe?token=sample',
    memberPageUrl: 'https://example.com/me/sign-in',
    keepBy: '2027-01-31',
    deltaToRetain: '250,000',
    senderName: '단골',
  },
  en: {
    name: 'Jane Doe',
    tier: 'VIP',
    coupon: 'VIP-8F3K2Q',
    couponPercent: '5',
    couponValue: '5%',
    validUntil: '2026-12-31',
    unsubscribeUrl: 'https://example.com/unsubscribe?token=sample',
    memberPageUrl: 'https://example.com/me/sign-in',
    keepBy: '2027-01-31',
    deltaToRetain: '250,000',
    senderName: 'Dangol',
  },
};

export function renderSamples(entry: CalendarEntry) {
  const samples: Record<string, Record<string, Record<string, string>>> = {};
  for (const channel of entry.channels) {
    const content = entry.content[channel] as Record<string, Record<string, string> | undefined> | undefined;
    for (const locale of ['ko', 'en'] as const) {
      const fields = content?.[locale];
      if (!fields) continue;
      (samples[channel] ??= {})[locale] = Object.fromEntries(
        Object.entries(fields).map(([field, template]) => [
          field,
          render(template, SAMPLE_VARIABLES[locale], field === 'html'),
        ]),
      );
    }
  }
  return samples;
}

export function previewEntry(entry: CalendarEntry, run: { runId: string; pages: readonly PageReport[] } | null) {
  return {
    entryId: entry.id,
    version: entry.version,
    audience: { asOf: run?.runId ?? null, ...audienceEstimate(run?.pages ?? [], entry.tiers, entry.segments) },
    samples: renderSamples(entry),
  };
}
