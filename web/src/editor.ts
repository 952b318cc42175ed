// One calendar entry: every field as a form, checked as you type against the API's own zod schema and content rules
// (schema/calendar.ts, functions/domain/templates.ts), a live preview per tier, channel and locale rendered with the
// senders' own rules ((광고), the opt-out line, SMS bytes), the audience estimate, a test-send to oneself, saving with
// If-Match (a 412 shows both versions), and the entry's history from the audit log.
import { useEffect, useState } from 'preact/hooks';
import { type CalendarEntry, type CalendarEntryInput, calendarEntryInput, touchpointKind } from '#schema/calendar';
import type { TierLadder } from '#schema/tier-ladder';
import { adSms, adSubject } from '#domain/ad-rules';
import { render, SMS_MAX_BYTES, smsBytes, templateIssues } from '#domain/templates';
import { SAMPLE_VARIABLES } from '#app/preview-calendar';
import { api } from './api.ts';
import { canEdit } from './auth.ts';
import { html, type ScreenProps } from './main.ts';

type FieldErrors = { path: string; message: string }[];
const CHANNELS = ['email', 'sms', 'post'] as const;
const LOCALES = ['ko', 'en'] as const;
const SEGMENTS = ['most-frequent', 'frequent', 'average', 'occasional'] as const;
const FIELDS = { email: ['subject', 'html', 'text'], sms: ['text'], post: ['title'] } as const;
/** Fields edited as JSON text: nested settings a marketer changes rarely. */
const JSON_FIELDS = ['trigger', 'offer', 'followUp', 'advanced'] as const;
type JsonField = (typeof JSON_FIELDS)[number];
const ADVANCED = ['attributionDays', 'preTest', 'frequencyCap', 'activeFrom', 'activeTo'] as const;

function inputOf(entry: CalendarEntry): CalendarEntryInput {
  const { id: _id, version: _version, updatedAt: _at, updatedBy: _by, ...input } = entry;
  return input;
}

function jsonTexts(draft: CalendarEntryInput): Record<JsonField, string> {
  const advanced = Object.fromEntries(
    ADVANCED.filter((key) => draft[key] !== undefined).map((key) => [key, draft[key]]),
  );
  const text = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));
  return {
    trigger: text(draft.trigger),
    offer: text(draft.offer),
    followUp: text(draft.followUp),
    advanced: Object.keys(advanced).length > 0 ? text(advanced) : '',
  };
}

/** The draft with the JSON fields' text parsed in; a field whose text is not JSON is named. */
function withJson(
  draft: CalendarEntryInput,
  texts: Record<JsonField, string>,
): { entry: unknown; errors: FieldErrors } {
  const errors: FieldErrors = [];
  const parsed: Record<string, unknown> = {};
  for (const field of JSON_FIELDS) {
    const text = texts[field].trim();
    if (text === '') continue;
    try {
      parsed[field] = JSON.parse(text);
    } catch {
      errors.push({ path: field, message: 'Not valid JSON' });
    }
  }
  const entry: Record<string, unknown> = { ...draft };
  for (const key of [...ADVANCED, 'trigger', 'offer', 'followUp'] as const) delete entry[key];
  if (parsed['trigger'] !== undefined) entry['trigger'] = parsed['trigger'];
  if (parsed['offer'] !== undefined) entry['offer'] = parsed['offer'];
  if (parsed['followUp'] !== undefined) entry['followUp'] = parsed['followUp'];
  Object.assign(entry, (parsed['advanced'] ?? {}) as object);
  return { entry, errors };
}

function check(entry: unknown, tierCodes: readonly string[]): FieldErrors {
  const parsed = calendarEntryInput.safeParse(entry);
  if (!parsed.success)
    return parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    }));
  return templateIssues(parsed.data, tierCodes);
}

const fieldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

function ErrorText({ errors, path }: { errors: FieldErrors; path: string }) {
  const mine = errors.filter((error) => error.path === path || error.path.startsWith(`${path}.`));
  if (mine.length === 0) return null;
  return html`<p class="field-error" id=${`${fieldId(path)}-error`}>${mine.map((error) => error.message).join('; ')}</p>`;
}

/** The live preview of one channel and locale for one tier, rendered as the senders would. */
function Preview(props: {
  entry: CalendarEntryInput;
  channel: (typeof CHANNELS)[number];
  locale: (typeof LOCALES)[number];
  tierName: string;
  tierCode: string;
  sms: { name: string; optOutNumber: string };
  t: ScreenProps['t'];
}) {
  const { entry, channel, locale, t } = props;
  const fields = (entry.content[channel] as Record<string, Record<string, string>> | undefined)?.[locale];
  if (!fields) return null;
  const percent = entry.offer?.percentBy === 'tier' ? entry.offer.percents[props.tierCode] : undefined;
  const variables = {
    ...SAMPLE_VARIABLES[locale],
    tier: props.tierName,
    ...(percent !== undefined && { couponPercent: String(percent), couponValue: `${percent}%` }),
  };
  const label = t.previewOf(channel, locale);
  if (channel === 'email') {
    const subject = adSubject(render(fields['subject'] ?? '', variables), locale, entry.advertising);
    return html`<section class="preview" aria-label=${label}>
      <h3>${label}</h3>
      <p><strong>${t.subject}:</strong> <span class="subject">${subject}</span></p>
      <iframe title=${`${label} — ${subject}`} sandbox="" srcdoc=${render(fields['html'] ?? '', variables, true)}></iframe>
    </section>`;
  }
  if (channel === 'sms') {
    const text = adSms(render(fields['text'] ?? '', variables), entry.advertising, props.sms);
    const bytes = smsBytes(text);
    return html`<section class="preview" aria-label=${label}>
      <h3>${label}</h3>
      <pre class="sms">${text}</pre>
      <p class=${bytes > SMS_MAX_BYTES ? 'field-error' : 'note'}>${t.bytes(bytes, SMS_MAX_BYTES)}</p>
    </section>`;
  }
  return html`<section class="preview" aria-label=${label}>
    <h3>${label}</h3>
    <p class="post">${render(fields['title'] ?? '', variables)}</p>
  </section>`;
}

interface AuditItem {
  who: string;
  action: string;
  target: string;
  at: string;
  afterVersion: number | null;
}

function History({ id, version, t }: { id: string; version: number; t: ScreenProps['t'] }) {
  const [items, setItems] = useState<AuditItem[] | null>(null);
  useEffect(() => {
    const now = new Date();
    const months = [0, 1, 2].map((back) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7),
    );
    void Promise.all(
      months.map((month) => api<{ items: AuditItem[] }>('GET', `/admin/audit?month=${month}&limit=100`)),
    ).then((pages) =>
      setItems(pages.flatMap((page) => (page.body.items ?? []).filter((item) => item.target === `calendar:${id}`))),
    );
  }, [id, version]);
  if (!items) return html`<p aria-busy="true">${t.loading}</p>`;
  if (items.length === 0) return html`<p>${t.noData}</p>`;
  return html`<table>
    <caption class="visually-hidden">${t.history}</caption>
    <thead><tr><th scope="col">${t.when}</th><th scope="col">${t.who}</th><th scope="col">${t.action}</th><th scope="col">v</th></tr></thead>
    <tbody>
      ${items.map(
        (item) =>
          html`<tr><td>${item.at.replace('T', ' ').slice(0, 19)}</td><td>${item.who}</td><td>${item.action}</td><td>${item.afterVersion ?? ''}</td></tr>`,
      )}
    </tbody>
  </table>`;
}

interface Audience {
  audience: { asOf: string | null; total: number; byTier: Record<string, number> };
}

export function EditorScreen({ t, lang, session, config, params }: ScreenProps) {
  const id = params[0] ?? '';
  const [loaded, setLoaded] = useState<CalendarEntry | null>(null);
  const [ladder, setLadder] = useState<TierLadder | null>(null);
  const [version, setVersion] = useState(0);
  const [draft, setDraft] = useState<CalendarEntryInput | null>(null);
  const [texts, setTexts] = useState<Record<JsonField, string>>({ trigger: '', offer: '', followUp: '', advanced: '' });
  const [serverErrors, setServerErrors] = useState<FieldErrors>([]);
  const [conflict, setConflict] = useState<{ theirs: CalendarEntry; yours: unknown } | null>(null);
  const [status, setStatus] = useState('');
  const [audience, setAudience] = useState<Audience['audience'] | null>(null);
  const [previewTier, setPreviewTier] = useState('');
  const [testTo, setTestTo] = useState('');
  const [failed, setFailed] = useState<string | null>(null);
  const editable = canEdit(session);

  const adopt = (entry: CalendarEntry) => {
    setLoaded(entry);
    setVersion(entry.version);
    const input = inputOf(entry);
    setDraft(input);
    setTexts(jsonTexts(input));
  };
  useEffect(() => {
    void Promise.all([
      api<CalendarEntry>('GET', `/admin/calendar/${encodeURIComponent(id)}`),
      api<TierLadder>('GET', '/admin/tiers'),
    ]).then(([entry, tiers]) => {
      if (!entry.ok) return setFailed(entry.problem?.detail ?? t.error);
      adopt(entry.body);
      setLadder(tiers.body);
      setPreviewTier(entry.body.tiers[0] ?? '');
    });
    if (editable)
      void api<Audience>('POST', `/admin/calendar/${encodeURIComponent(id)}/preview`).then((reply) => {
        if (reply.ok) setAudience(reply.body.audience);
      });
  }, [id]);

  if (failed) return html`<h1 tabindex="-1">${t.year}</h1><p role="alert">${failed}</p>`;
  if (!loaded || !draft || !ladder) return html`<h1 tabindex="-1">${t.loading}</h1>`;
  const tierCodes = ladder.tiers.map((tier) => tier.code);
  const { entry, errors: jsonErrors } = withJson(draft, texts);
  const errors = [...jsonErrors, ...(jsonErrors.length > 0 ? [] : check(entry, tierCodes)), ...serverErrors];
  const set = (change: Partial<CalendarEntryInput>) => {
    setServerErrors([]);
    setDraft({ ...draft, ...change });
  };
  const toggle = <T extends string>(list: readonly T[] | undefined, value: T, on: boolean): T[] =>
    on ? [...(list ?? []).filter((item) => item !== value), value] : (list ?? []).filter((item) => item !== value);
  const setContent = (channel: (typeof CHANNELS)[number], locale: string, field: string, value: string) => {
    const content = { ...(draft.content as Record<string, Record<string, Record<string, string>>>) };
    content[channel] = {
      ...(content[channel] ?? {}),
      [locale]: { ...(content[channel]?.[locale] ?? {}), [field]: value },
    };
    set({ content: content as CalendarEntryInput['content'] });
  };
  const described = (path: string) =>
    errors.some((error) => error.path === path || error.path.startsWith(`${path}.`))
      ? { 'aria-invalid': 'true', 'aria-describedby': `${fieldId(path)}-error` }
      : {};

  const save = async (event: Event) => {
    event.preventDefault();
    setStatus('');
    if (errors.length > 0) {
      setStatus(t.fixErrors);
      return;
    }
    const reply = await api<CalendarEntry>('PUT', `/admin/calendar/${encodeURIComponent(id)}`, entry, {
      'if-match': `"${version}"`,
    });
    if (reply.status === 412) {
      const theirs = await api<CalendarEntry>('GET', `/admin/calendar/${encodeURIComponent(id)}`);
      setConflict({ theirs: theirs.body, yours: entry });
      return;
    }
    if (!reply.ok) {
      setServerErrors(reply.problem?.errors ?? [{ path: '(body)', message: reply.problem?.detail ?? t.error }]);
      setStatus(t.fixErrors);
      return;
    }
    adopt(reply.body);
    setConflict(null);
    setStatus(t.saved);
  };
  const testSend = async (event: Event) => {
    event.preventDefault();
    const reply = await api('POST', `/admin/calendar/${encodeURIComponent(id)}/test-send`, {
      channel: 'email',
      to: testTo,
      locale: lang,
    });
    setStatus(reply.ok ? t.testQueued : (reply.problem?.errors?.map((e) => e.message).join('; ') ?? t.error));
  };

  const tierName = ladder.tiers.find((tier) => tier.code === previewTier)?.name[lang] ?? previewTier;
  const previews = html`<section aria-labelledby="preview-h">
    <h2 id="preview-h">${t.preview}</h2>
    <label for="preview-tier">${t.tier}</label>
    <select id="preview-tier" value=${previewTier} onChange=${(e: Event) => setPreviewTier((e.target as HTMLSelectElement).value)}>
      ${ladder.tiers.map((tier) => html`<option value=${tier.code}>${tier.name[lang]} (${tier.code})</option>`)}
    </select>
    <div class="previews">
      ${draft.channels.flatMap((channel) =>
        LOCALES.map(
          (locale) =>
            html`<${Preview} entry=${draft} channel=${channel} locale=${locale} tierName=${tierName} tierCode=${previewTier} sms=${{ name: config.sms.senderName, optOutNumber: config.sms.optOutNumber }} t=${t} />`,
        ),
      )}
    </div>
  </section>`;

  const audienceView = audience
    ? html`<section aria-labelledby="audience-h">
        <h2 id="audience-h">${t.audience}</h2>
        ${
          audience.asOf
            ? html`<table>
              <caption>${t.audienceAsOf(audience.asOf)}</caption>
              <thead><tr><th scope="col">${t.tier}</th><th scope="col">${t.members}</th></tr></thead>
              <tbody>
                ${Object.entries(audience.byTier).map(([tier, count]) => html`<tr><th scope="row">${tier}</th><td>${count}</td></tr>`)}
                <tr><th scope="row">${t.total}</th><td>${audience.total}</td></tr>
              </tbody>
            </table>`
            : html`<p>${t.noRun}</p>`
        }
      </section>`
    : null;

  if (!editable)
    return html`<h1 tabindex="-1">${loaded.name}</h1>
      <p class="note">${t.readOnly}</p>
      <dl class="facts">
        <dt>${t.kind}</dt><dd>${loaded.kind}</dd>
        <dt>${t.tier}</dt><dd>${loaded.tiers.join(', ')}</dd>
        <dt>${t.channels}</dt><dd>${loaded.channels.join(', ')}</dd>
        <dt>${t.advertising}</dt><dd>${loaded.advertising ? '✓' : '✗'}</dd>
        <dt>${t.trigger}</dt><dd><code>${JSON.stringify(loaded.trigger)}</code></dd>
      </dl>
      ${previews}
      <section aria-labelledby="history-h"><h2 id="history-h">${t.history}</h2><${History} id=${id} version=${version} t=${t} /></section>`;

  return html`<h1 tabindex="-1">${draft.name}</h1>
    <p><a href="#/year">${t.back}</a> · v${version} · ${loaded.updatedBy} ${loaded.updatedAt.slice(0, 10)}</p>
    ${
      conflict &&
      html`<section class="conflict" role="alert" aria-labelledby="conflict-h">
      <h2 id="conflict-h">${t.conflict}</h2>
      <div class="two">
        <div><h3>${t.theirs} (v${conflict.theirs.version})</h3><pre tabindex="0">${JSON.stringify(inputOf(conflict.theirs), null, 2)}</pre></div>
        <div><h3>${t.yours}</h3><pre tabindex="0">${JSON.stringify(conflict.yours, null, 2)}</pre></div>
      </div>
      <button type="button" onClick=${() => {
        adopt(conflict.theirs);
        setConflict(null);
      }}>${t.useTheirs}</button>
    </section>`
    }
    <form class="editor" onSubmit=${save} novalidate>
      ${
        errors.length > 0 &&
        html`<div class="errors" role="status"><p>${t.fixErrors}</p><ul>${errors.map(
          (error) =>
            html`<li><a href=${`#${fieldId(error.path.split('.').slice(0, 4).join('.'))}`} onClick=${(e: Event) => {
              e.preventDefault();
              const target =
                document.getElementById(fieldId(error.path.split('.').slice(0, 4).join('.'))) ??
                document.getElementById(fieldId(error.path.split('.')[0] ?? ''));
              target?.focus();
            }}>${error.path}</a>: ${error.message}</li>`,
        )}</ul></div>`
      }
      <div class="row">
        <label for=${fieldId('name')}>${t.name}</label>
        <input id=${fieldId('name')} value=${draft.name} ...${described('name')} onInput=${(e: Event) => set({ name: (e.target as HTMLInputElement).value })} />
        <${ErrorText} errors=${errors} path="name" />
      </div>
      <div class="row">
        <label for=${fieldId('kind')}>${t.kind}</label>
        <select id=${fieldId('kind')} value=${draft.kind} onChange=${(e: Event) => set({ kind: (e.target as HTMLSelectElement).value as CalendarEntryInput['kind'] })}>
          ${touchpointKind.options.map((kind) => html`<option value=${kind}>${kind}</option>`)}
        </select>
      </div>
      <fieldset id=${fieldId('tiers')} tabindex="-1">
        <legend>${t.tier}</legend>
        ${ladder.tiers.map(
          (tier) => html`<label class="check"><input type="checkbox" checked=${draft.tiers.includes(tier.code)}
            onChange=${(e: Event) => set({ tiers: toggle(draft.tiers, tier.code, (e.target as HTMLInputElement).checked) })} />
            ${tier.name[lang]} (${tier.code})</label>`,
        )}
        <${ErrorText} errors=${errors} path="tiers" />
      </fieldset>
      <fieldset id=${fieldId('segments')} tabindex="-1">
        <legend>${t.segments}</legend>
        ${SEGMENTS.map(
          (
            segment,
          ) => html`<label class="check"><input type="checkbox" checked=${draft.segments?.includes(segment) ?? false}
            onChange=${(e: Event) => {
              const segments = toggle(draft.segments, segment, (e.target as HTMLInputElement).checked);
              const { segments: _old, ...rest } = draft;
              setDraft(segments.length > 0 ? { ...rest, segments } : rest);
            }} /> ${segment}</label>`,
        )}
      </fieldset>
      <fieldset id=${fieldId('channels')} tabindex="-1">
        <legend>${t.channels}</legend>
        ${CHANNELS.map(
          (channel) => html`<label class="check"><input type="checkbox" checked=${draft.channels.includes(channel)}
            onChange=${(e: Event) => set({ channels: toggle(draft.channels, channel, (e.target as HTMLInputElement).checked) })} />
            ${channel}</label>`,
        )}
        <${ErrorText} errors=${errors} path="channels" />
      </fieldset>
      <label class="check"><input type="checkbox" id=${fieldId('advertising')} checked=${draft.advertising}
        onChange=${(e: Event) => set({ advertising: (e.target as HTMLInputElement).checked })} /> ${t.advertising}</label>
      <fieldset>
        <legend>${t.content}</legend>
        ${draft.channels.flatMap((channel) =>
          LOCALES.map(
            (locale) => html`<fieldset class="content" id=${fieldId(`content.${channel}.${locale}`)} tabindex="-1">
              <legend>${channel} · ${locale}</legend>
              ${FIELDS[channel].map((field) => {
                const path = `content.${channel}.${locale}.${field}`;
                const value =
                  (draft.content as Record<string, Record<string, Record<string, string>>>)[channel]?.[locale]?.[
                    field
                  ] ?? '';
                const label =
                  field === 'subject'
                    ? t.subject
                    : field === 'html'
                      ? t.html
                      : field === 'title'
                        ? t.postTitle
                        : channel === 'sms'
                          ? t.smsText
                          : t.text;
                const multiline = field !== 'subject' && field !== 'title';
                const input = (e: Event) => setContent(channel, locale, field, (e.target as HTMLInputElement).value);
                return html`<div class="row">
                  <label for=${fieldId(path)}>${label}</label>
                  ${
                    multiline
                      ? html`<textarea id=${fieldId(path)} rows=${field === 'html' ? 6 : 3} value=${value} ...${described(path)} onInput=${input}></textarea>`
                      : html`<input id=${fieldId(path)} value=${value} ...${described(path)} onInput=${input} />`
                  }
                  <${ErrorText} errors=${errors} path=${path} />
                </div>`;
              })}
              <${ErrorText} errors=${errors.filter((error) => error.path === `content.${channel}.${locale}`)} path=${`content.${channel}.${locale}`} />
            </fieldset>`,
          ),
        )}
        <${ErrorText} errors=${errors.filter((error) => /^content\.[a-z]+$/.test(error.path))} path="content" />
      </fieldset>
      <fieldset>
        <legend>${t.holdout}</legend>
        <label class="check"><input type="checkbox" checked=${draft.holdout !== undefined} onChange=${(e: Event) => {
          const { holdout: _old, ...rest } = draft;
          setDraft((e.target as HTMLInputElement).checked ? { ...rest, holdout: { percent: 5 } } : rest);
        }} /> ${t.holdout}</label>
        ${
          draft.holdout &&
          html`<label for=${fieldId('holdout.percent')}>${t.holdoutPercent}</label>
          <input id=${fieldId('holdout.percent')} type="number" min="1" max="50" value=${draft.holdout.percent} ...${described('holdout')}
            onInput=${(e: Event) => set({ holdout: { percent: Number((e.target as HTMLInputElement).value) } })} />
          <${ErrorText} errors=${errors} path="holdout" />`
        }
      </fieldset>
      ${JSON_FIELDS.map((field) => {
        const label =
          field === 'trigger'
            ? t.trigger
            : field === 'offer'
              ? t.offer
              : field === 'followUp'
                ? t.followUp
                : t.advanced;
        return html`<div class="row">
          <label for=${fieldId(field)}>${label}</label>
          <textarea id=${fieldId(field)} class="json" rows="4" value=${texts[field]} ...${described(field)}
            onInput=${(e: Event) => setTexts({ ...texts, [field]: (e.target as HTMLTextAreaElement).value })}></textarea>
          <${ErrorText} errors=${errors} path=${field} />
        </div>`;
      })}
      <button type="submit">${t.save}</button>
      <p role="status" class="status">${status}</p>
    </form>
    ${previews}
    ${audienceView}
    <section aria-labelledby="test-h">
      <h2 id="test-h">${t.testSend}</h2>
      <form onSubmit=${testSend}>
        <label for="test-to">${t.testTo}</label>
        <input id="test-to" type="email" autocomplete="email" value=${testTo} onInput=${(e: Event) => setTestTo((e.target as HTMLInputElement).value)} />
        <button type="submit">${t.testSend}</button>
      </form>
    </section>
    <section aria-labelledby="history-h"><h2 id="history-h">${t.history}</h2><${History} id=${id} version=${version} t=${t} /></section>`;
}
