// Reports: members per tier over the last 12 monthly runs (stacked bars), and one campaign's funnel — sent,
// delivered, opened, clicked, converted, revenue — by tier, segment and variant, against its holdout. Every chart
// has the same numbers as a table.
import { useEffect, useRef, useState } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { CalendarEntry } from '#schema/calendar';
import type { CampaignCounters, CampaignReport } from '#schema/campaign-report';
import { api } from './api.ts';
import { html, type ScreenProps } from './main.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const COLOURS = ['#0b5cad', '#d9480f', '#2b8a3e', '#862e9c', '#e8590c', '#495057', '#1098ad', '#c2255c'];

function BarChart(props: {
  labels: string[];
  series: { label: string; data: number[] }[];
  stacked: boolean;
  summary: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: props.labels,
        datasets: props.series.map((series, i) => ({ ...series, backgroundColor: COLOURS[i % COLOURS.length] })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: props.stacked }, y: { stacked: props.stacked, beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(props)]);
  return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${props.summary}></canvas></div>`;
}

function Table(props: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return html`<table>
    <caption>${props.caption}</caption>
    <thead><tr>${props.columns.map((column) => (column === '' ? html`<td></td>` : html`<th scope="col">${column}</th>`))}</tr></thead>
    <tbody>
      ${props.rows.map(
        (row) =>
          html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`,
      )}
    </tbody>
  </table>`;
}

interface TierReport {
  asOf: string | null;
  tiers: { code: string; members: number }[];
  history: { month: string; members: Record<string, number> }[];
}

function TierHistory({ t }: { t: ScreenProps['t'] }) {
  const [report, setReport] = useState<TierReport | null>(null);
  useEffect(() => void api<TierReport>('GET', '/admin/reports/tiers').then((reply) => setReport(reply.body)), []);
  if (!report) return html`<p aria-busy="true">${t.loading}</p>`;
  if (report.history.length === 0) return html`<p>${t.noData}</p>`;
  const codes = report.tiers.map((tier) => tier.code);
  const months = report.history.map((point) => point.month);
  const series = codes.map((code) => ({ label: code, data: report.history.map((point) => point.members[code] ?? 0) }));
  return html`<${BarChart} labels=${months} series=${series} stacked=${true} summary=${t.tierHistory} />
    <details><summary>${t.tableView}</summary>
      <${Table} caption=${t.tierHistory} columns=${[t.monthColumn, ...codes]}
        rows=${report.history.map((point) => [point.month, ...codes.map((code) => point.members[code] ?? 0)])} />
    </details>`;
}

const FUNNEL = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;

function Breakdown({
  caption,
  counts,
  t,
}: {
  caption: string;
  counts: Record<string, CampaignCounters>;
  t: ScreenProps['t'];
}) {
  const keys = Object.keys(counts);
  if (keys.length === 0) return null;
  return html`<${Table} caption=${caption} columns=${['', ...FUNNEL.map((step) => t[step]), t.revenue]}
    rows=${keys.map((key) => [key, ...FUNNEL.map((step) => counts[key]?.[step] ?? 0), counts[key]?.revenue ?? 0])} />`;
}

function Campaign({ id, t }: { id: string; t: ScreenProps['t'] }) {
  const [report, setReport] = useState<CampaignReport | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    setReport(null);
    setMissing(false);
    void api<CampaignReport>('GET', `/admin/reports/campaigns/${encodeURIComponent(id)}`).then((reply) =>
      reply.ok ? setReport(reply.body) : setMissing(true),
    );
  }, [id]);
  if (missing) return html`<p>${t.noData}</p>`;
  if (!report) return html`<p aria-busy="true">${t.loading}</p>`;
  const totals = report.totals;
  return html`<h3>${report.name ?? id}</h3>
    <p class="tests">${t.testsSent(report.tests.sent)}</p>
    <${BarChart} labels=${FUNNEL.map((step) => t[step])} series=${[{ label: t.funnel, data: FUNNEL.map((step) => totals[step]) }]}
      stacked=${false} summary=${`${t.funnel}: ${FUNNEL.map((step) => `${t[step]} ${totals[step]}`).join(', ')}`} />
    <details><summary>${t.tableView}</summary>
      <${Table} caption=${t.funnel} columns=${['', t.members]}
        rows=${[...FUNNEL.map((step) => [t[step], totals[step]]), [t.revenue, totals.revenue]]} />
    </details>
    <${Table} caption=${t.holdoutGroup} columns=${['', t.members, t.converted, t.revenue]}
      rows=${[
        [t.sent, totals.sent, totals.converted, totals.revenue],
        [t.holdoutGroup, report.holdout.members, report.holdout.converted, report.holdout.revenue],
      ]} />
    <${Breakdown} caption=${t.byTier} counts=${report.byTier} t=${t} />
    <${Breakdown} caption=${t.bySegment} counts=${report.bySegment} t=${t} />
    <${Breakdown} caption=${t.byVariant} counts=${report.byVariant} t=${t} />`;
}

export function ReportsScreen({ t, params }: ScreenProps) {
  const [entries, setEntries] = useState<CalendarEntry[]>([]);
  const [chosen, setChosen] = useState(params[0] ?? '');
  useEffect(
    () =>
      void api<{ items: CalendarEntry[] }>('GET', '/admin/calendar').then((reply) => {
        setEntries(reply.body.items ?? []);
        if (!chosen) setChosen(reply.body.items?.[0]?.id ?? '');
      }),
    [],
  );
  return html`<h1 tabindex="-1">${t.reports}</h1>
    <section aria-labelledby="tiers-h"><h2 id="tiers-h">${t.tierHistory}</h2><${TierHistory} t=${t} /></section>
    <section aria-labelledby="campaign-h">
      <h2 id="campaign-h">${t.campaign}</h2>
      <label for="campaign">${t.chooseCampaign}</label>
      <select id="campaign" value=${chosen} onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}>
        ${entries.map((entry) => html`<option value=${entry.id}>${entry.name}</option>`)}
      </select>
      ${chosen && html`<${Campaign} id=${chosen} t=${t} />`}
    </section>`;
}
