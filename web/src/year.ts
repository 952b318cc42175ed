// The programme year as the seed draws it (000_…txt slide 11): months across, tiers down (highest first), each
// touchpoint where it falls; member dates and event-driven touchpoints in rows of their own.
import { useEffect, useState } from 'preact/hooks';
import type { CalendarEntry } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import { api } from './api.ts';
import { canEdit } from './auth.ts';
import { html, type ScreenProps } from './main.ts';

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** The months of this year in which an entry falls, or `dates`/`events` for the rows of their own. */
export function placeOf(entry: CalendarEntry, year: number): number[] | 'dates' | 'events' {
  const trigger = entry.trigger;
  switch (trigger.type) {
    case 'member_date':
      return 'dates';
    case 'event':
      return 'events';
    case 'once': {
      const at = new Date(trigger.at);
      return at.getUTCFullYear() === year ? [at.getUTCMonth() + 1] : [];
    }
    case 'recurring':
      if (trigger.every === 'month') return MONTHS;
      if (trigger.every === 'quarter') return [1, 4, 7, 10];
      return trigger.month ? [trigger.month] : [];
  }
}

function Chip({ entry }: { entry: CalendarEntry }) {
  return html`<a class=${`chip kind-${entry.kind}`} href=${`#/entry/${encodeURIComponent(entry.id)}`}>
    ${entry.name}<span class="visually-hidden"> (${entry.channels.join(', ')})</span>
  </a>`;
}

export function YearScreen({ t, lang, session }: ScreenProps) {
  const [entries, setEntries] = useState<CalendarEntry[] | null>(null);
  const [ladder, setLadder] = useState<TierLadder | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    void Promise.all([
      api<{ items: CalendarEntry[] }>('GET', '/admin/calendar'),
      api<TierLadder>('GET', '/admin/tiers'),
    ]).then(([calendar, tiers]) => {
      if (!calendar.ok || !tiers.ok) setFailed(calendar.problem?.detail ?? tiers.problem?.detail ?? t.error);
      setEntries(calendar.body.items ?? []);
      setLadder(tiers.body);
    });
  }, []);
  const year = new Date().getFullYear();
  if (failed) return html`<h1 tabindex="-1">${t.year}</h1><p role="alert">${failed}</p>`;
  if (!entries || !ladder) return html`<h1 tabindex="-1">${t.year}</h1><p aria-busy="true">${t.loading}</p>`;
  const tiers = [...ladder.tiers].reverse();
  const rowOf = (entry: CalendarEntry) => placeOf(entry, year);
  const dated = entries.filter((entry) => rowOf(entry) === 'dates');
  const evented = entries.filter((entry) => rowOf(entry) === 'events');
  const inMonth = (tier: string, month: number) =>
    entries.filter((entry) => {
      const place = rowOf(entry);
      return Array.isArray(place) && place.includes(month) && entry.tiers.includes(tier);
    });
  return html`
    <h1 tabindex="-1">${t.year} ${year}</h1>
    ${!canEdit(session) && html`<p class="note">${t.readOnly}</p>`}
    <div class="grid-wrap" role="region" aria-labelledby="year-caption" tabindex="0">
      <table class="year">
        <caption id="year-caption">${t.yearCaption}</caption>
        <thead>
          <tr>
            <th scope="col">${t.tier}</th>
            ${MONTHS.map((month) => html`<th scope="col">${t.month(month)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${tiers.map(
            (tier) => html`<tr>
              <th scope="row">${tier.name[lang]} <span class="code">${tier.code}</span></th>
              ${MONTHS.map(
                (month) => html`<td>${inMonth(tier.code, month).map((entry) => html`<${Chip} entry=${entry} />`)}</td>`,
              )}
            </tr>`,
          )}
          <tr class="own-row">
            <th scope="row">${t.memberDates}</th>
            <td colspan="12">
              ${dated.map(
                (entry) => html`<${Chip} entry=${entry} /><span class="tiers"> ${entry.tiers.join('·')}</span> `,
              )}
            </td>
          </tr>
          <tr class="own-row">
            <th scope="row">${t.events}</th>
            <td colspan="12">
              ${evented.map(
                (entry) => html`<${Chip} entry=${entry} /><span class="tiers"> ${entry.tiers.join('·')}</span> `,
              )}
            </td>
          </tr>
        </tbody>
      </table>
    </div>`;
}
