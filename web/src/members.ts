// Members: look-up (contacts masked for viewers by the API), one member's timeline, possible duplicates with merge
// and undo, an import's progress; export and erasure for the privacy group only.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { canEdit, isPrivacy } from './auth.ts';
import { html, type ScreenProps } from './main.ts';

interface Summary {
  memberId: string;
  name: string;
  email?: string;
  phone?: string;
  tier: string;
  status: string;
  enrolledAt: string;
}

function SummaryRows({ items, t }: { items: Summary[]; t: ScreenProps['t'] }) {
  return html`<table>
    <caption>${t.results}</caption>
    <thead><tr><th scope="col">${t.name}</th><th scope="col">${t.email}</th><th scope="col">${t.phone}</th><th scope="col">${t.tier}</th><th scope="col">${t.status}</th></tr></thead>
    <tbody>
      ${items.map(
        (item) => html`<tr>
          <th scope="row"><a href=${`#/members/${encodeURIComponent(item.memberId)}`}>${item.name}</a></th>
          <td>${item.email ?? t.none}</td><td>${item.phone ?? t.none}</td><td>${item.tier}</td><td>${item.status}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export function MembersScreen({ t }: ScreenProps) {
  const [by, setBy] = useState<'email' | 'phone' | 'name'>('name');
  const [value, setValue] = useState('');
  const [items, setItems] = useState<Summary[] | null>(null);
  const [problem, setProblem] = useState('');
  const search = async (event: Event) => {
    event.preventDefault();
    const reply = await api<{ items: Summary[] }>('GET', `/admin/members?${by}=${encodeURIComponent(value)}`);
    setProblem(reply.ok ? '' : (reply.problem?.errors?.map((e) => e.message).join('; ') ?? t.error));
    setItems(reply.ok ? reply.body.items : null);
  };
  return html`<h1 tabindex="-1">${t.members}</h1>
    <form onSubmit=${search}>
      <label for="by">${t.lookupBy}</label>
      <select id="by" value=${by} onChange=${(e: Event) => setBy((e.target as HTMLSelectElement).value as typeof by)}>
        <option value="name">${t.name}</option><option value="email">${t.email}</option><option value="phone">${t.phone}</option>
      </select>
      <label for="value">${t.value}</label>
      <input id="value" value=${value} onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} />
      <button type="submit">${t.lookup}</button>
    </form>
    <p role="alert">${problem}</p>
    ${items && (items.length === 0 ? html`<p>${t.noData}</p>` : html`<${SummaryRows} items=${items} t=${t} />`)}`;
}

interface MemberView {
  profile: Record<string, unknown>;
  consents: Record<string, { value?: boolean }>;
  consentHistory: Record<string, unknown>[];
  tier: { code: string; name: { ko: string; en: string } };
  tierHistory: Record<string, unknown>[];
  spend: { rolling12Months: number; purchaseCount: number; byMonth: Record<string, number> };
  dueTouchpoints: Record<string, unknown>[];
}

export function MemberScreen({ t, lang, session, params }: ScreenProps) {
  const id = params[0] ?? '';
  const [member, setMember] = useState<MemberView | null>(null);
  const [status, setStatus] = useState('');
  const [confirming, setConfirming] = useState(false);
  useEffect(
    () =>
      void api<MemberView>('GET', `/admin/members/${encodeURIComponent(id)}`).then((r) =>
        setMember(r.ok ? r.body : null),
      ),
    [id],
  );
  if (!member) return html`<h1 tabindex="-1">${t.members}</h1><p aria-busy="true">${t.loading}</p>`;
  const events = [
    ...member.tierHistory.map((line) => ({
      at: String(line['at'] ?? ''),
      what: `${t.tier}: ${line['from'] ?? ''} → ${line['to'] ?? ''} (${line['reason'] ?? ''})`,
    })),
    ...member.consentHistory.map((line) => ({
      at: String(line['at'] ?? ''),
      what: `${t.consents}: ${line['channel'] ?? ''} ${line['value'] ? '✓' : '✗'} (${line['source'] ?? ''})`,
    })),
    ...Object.entries(member.spend.byMonth).map(([month, amount]) => ({
      at: month,
      what: `${t.revenue}: ${amount.toLocaleString(lang)}`,
    })),
    ...member.dueTouchpoints.map((due) => ({ at: String(due['dueAt'] ?? ''), what: `${due['kind'] ?? ''}` })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  const exportData = async () => {
    const reply = await api('GET', `/admin/members/${encodeURIComponent(id)}/export`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(reply.body, null, 2)], { type: 'application/json' }));
    link.download = `member-${id}.json`;
    link.click();
  };
  // Erasure cannot be undone: a second, explicit press.
  const erase = async () => {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    const reply = await api('DELETE', `/admin/members/${encodeURIComponent(id)}`);
    setStatus(reply.ok ? t.erased : (reply.problem?.detail ?? t.error));
  };
  return html`<h1 tabindex="-1">${String(member.profile['name'] ?? id)}</h1>
    <dl class="facts">
      <dt>${t.tier}</dt><dd>${member.tier.name[lang]} (${member.tier.code})</dd>
      <dt>${t.email}</dt><dd>${String(member.profile['email'] ?? t.none)}</dd>
      <dt>${t.phone}</dt><dd>${String(member.profile['phone'] ?? t.none)}</dd>
      <dt>${t.revenue}</dt><dd>${member.spend.rolling12Months.toLocaleString(lang)} (${member.spend.purchaseCount})</dd>
      <dt>${t.consents}</dt><dd>${Object.entries(member.consents)
        .map(([channel, consent]) => `${channel} ${consent?.value ? '✓' : '✗'}`)
        .join(' · ')}</dd>
    </dl>
    ${
      isPrivacy(session) &&
      html`<p>
        <button type="button" class="secondary" onClick=${exportData}>${t.export}</button>
        <button type="button" onClick=${erase}>${confirming ? t.eraseConfirm : t.erase}</button>
        ${confirming && html`<button type="button" class="secondary" onClick=${() => setConfirming(false)}>${t.cancel}</button>`}
      </p>`
    }
    <p role="status">${status}</p>
    <h2>${t.timeline}</h2>
    <table>
      <caption class="visually-hidden">${t.timeline}</caption>
      <thead><tr><th scope="col">${t.when}</th><th scope="col">${t.action}</th></tr></thead>
      <tbody>${events.map((event) => html`<tr><td>${event.at.slice(0, 16).replace('T', ' ')}</td><td>${event.what}</td></tr>`)}</tbody>
    </table>
    ${!canEdit(session) && html`<p class="note">${t.readOnly}</p>`}`;
}

interface Pair {
  reasons: string[];
  since: string;
  members: [Summary, Summary];
}

export function CandidatesScreen({ t, session }: ScreenProps) {
  const [pairs, setPairs] = useState<Pair[] | null>(null);
  const [status, setStatus] = useState('');
  const [lastMerge, setLastMerge] = useState('');
  const load = () =>
    void api<{ items: Pair[] }>('GET', '/admin/identity/candidates').then((r) => setPairs(r.body.items ?? []));
  useEffect(load, []);
  const merge = async (from: string, into: string) => {
    const reply = await api<{ mergeId: string }>('POST', `/admin/members/${encodeURIComponent(from)}/merge`, { into });
    if (reply.ok) {
      setLastMerge(reply.body.mergeId);
      setStatus(t.mergeDone(reply.body.mergeId));
      load();
    } else setStatus(reply.problem?.detail ?? t.error);
  };
  const undo = async () => {
    const reply = await api('POST', `/admin/merges/${encodeURIComponent(lastMerge)}/undo`);
    setStatus(reply.ok ? t.undone : (reply.problem?.detail ?? t.error));
    if (reply.ok) {
      setLastMerge('');
      load();
    }
  };
  if (!pairs) return html`<h1 tabindex="-1">${t.candidates}</h1><p aria-busy="true">${t.loading}</p>`;
  return html`<h1 tabindex="-1">${t.candidates}</h1>
    <p role="status">${status} ${lastMerge && canEdit(session) && html`<button type="button" class="secondary" onClick=${undo}>${t.undo}</button>`}</p>
    ${
      pairs.length === 0
        ? html`<p>${t.noData}</p>`
        : html`<table>
          <caption>${t.candidates}</caption>
          <thead><tr><th scope="col">${t.pair}</th><th scope="col">${t.reason}</th>${canEdit(session) && html`<th scope="col">${t.merge}</th>`}</tr></thead>
          <tbody>
            ${pairs.map(
              (pair) => html`<tr>
                <th scope="row">${pair.members.map((m) => html`<a href=${`#/members/${encodeURIComponent(m.memberId)}`}>${m.name} (${m.email ?? m.phone ?? m.memberId})</a> `)}</th>
                <td>${pair.reasons.join(', ')}</td>
                ${
                  canEdit(session) &&
                  html`<td><button type="button" onClick=${() => merge(pair.members[1].memberId, pair.members[0].memberId)}>
                  ${t.merge}<span class="visually-hidden"> ${pair.members[1].name} → ${pair.members[0].name}</span>
                </button></td>`
                }
              </tr>`,
            )}
          </tbody>
        </table>`
    }`;
}

export function ImportsScreen({ t }: ScreenProps) {
  const [id, setId] = useState('');
  const [report, setReport] = useState<Record<string, unknown> | null>(null);
  const [problem, setProblem] = useState('');
  const show = async (event: Event) => {
    event.preventDefault();
    const reply = await api('GET', `/admin/imports/${encodeURIComponent(id)}`);
    setReport(reply.ok ? reply.body : null);
    setProblem(reply.ok ? '' : (reply.problem?.detail ?? t.error));
  };
  const counts = report
    ? Object.entries(report).filter(([, value]) => typeof value === 'number' || typeof value === 'string')
    : [];
  return html`<h1 tabindex="-1">${t.imports}</h1>
    <form onSubmit=${show}>
      <label for="import-id">${t.importId}</label>
      <input id="import-id" value=${id} onInput=${(e: Event) => setId((e.target as HTMLInputElement).value)} />
      <button type="submit">${t.show}</button>
    </form>
    <p role="alert">${problem}</p>
    ${
      report &&
      html`<table><caption>${t.progress}</caption><tbody>
      ${counts.map(([key, value]) => html`<tr><th scope="row">${key}</th><td>${String(value)}</td></tr>`)}
    </tbody></table>`
    }`;
}
