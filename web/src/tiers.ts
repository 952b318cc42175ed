// The tier ladder: thresholds per tier, a preview of who would move up or down before saving (PUT ?dryRun=true),
// then saving with If-Match; the change applies at the next tier review.
import { useEffect, useState } from 'preact/hooks';
import type { TierLadder } from '#schema/tier-ladder';
import { api } from './api.ts';
import { canEdit } from './auth.ts';
import { html, type ScreenProps } from './main.ts';

interface LadderReply extends TierLadder {
  pending?: { ladder: TierLadder; appliesAt: string };
  preview?: {
    asOf: string | null;
    up: number;
    down: number;
    unchanged: number;
    byTier: Record<string, { up: number; down: number; unchanged: number }>;
  };
}

export function TiersScreen({ t, lang, session }: ScreenProps) {
  const [ladder, setLadder] = useState<LadderReply | null>(null);
  const [draft, setDraft] = useState<TierLadder | null>(null);
  const [status, setStatus] = useState('');
  const [preview, setPreview] = useState<LadderReply['preview'] | null>(null);
  const editable = canEdit(session);
  const load = () =>
    void api<LadderReply>('GET', '/admin/tiers').then((reply) => {
      setLadder(reply.body);
      setDraft(reply.body.pending?.ladder ?? reply.body);
    });
  useEffect(load, []);
  if (!ladder || !draft) return html`<h1 tabindex="-1">${t.tiers}</h1><p aria-busy="true">${t.loading}</p>`;
  const body = () => {
    const { version: _v, pending: _p, preview: _pr, ...rest } = draft as LadderReply;
    return rest;
  };
  const send = async (dryRun: boolean) => {
    setStatus('');
    const reply = await api<LadderReply>('PUT', `/admin/tiers${dryRun ? '?dryRun=true' : ''}`, body(), {
      'if-match': `"${ladder.version}"`,
    });
    if (!reply.ok) {
      setStatus(
        reply.problem?.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') ?? reply.problem?.detail ?? t.error,
      );
      return;
    }
    setPreview(reply.body.preview ?? null);
    if (!dryRun) {
      setStatus(t.saved);
      setLadder(reply.body);
    }
  };
  const setTier = (index: number, change: Partial<TierLadder['tiers'][number]>) =>
    setDraft({ ...draft, tiers: draft.tiers.map((tier, i) => (i === index ? { ...tier, ...change } : tier)) });
  return html`<h1 tabindex="-1">${t.tiers}</h1>
    ${!editable && html`<p class="note">${t.readOnly}</p>`}
    ${ladder.pending && html`<p class="note">${t.pending}</p>`}
    <table>
      <caption>${t.ladderCaption}</caption>
      <thead><tr><th scope="col">${t.code}</th><th scope="col">${t.name}</th><th scope="col">${t.minSpend} (${draft.currency})</th></tr></thead>
      <tbody>
        ${draft.tiers.map(
          (tier, i) => html`<tr>
            <th scope="row">${tier.code}</th>
            <td>${tier.name[lang]}</td>
            <td>${
              editable && i > 0
                ? html`<label class="visually-hidden" for=${`min-${tier.code}`}>${t.minSpend} ${tier.code}</label>
                  <input id=${`min-${tier.code}`} type="number" min="0" step="10000" value=${tier.minSpend}
                    onInput=${(e: Event) => setTier(i, { minSpend: Number((e.target as HTMLInputElement).value) })} />`
                : tier.minSpend.toLocaleString(lang)
            }</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${
      editable &&
      html`<p>
      <button type="button" class="secondary" onClick=${() => send(true)}>${t.previewMoves}</button>
      ${' '}
      <button type="button" onClick=${() => send(false)}>${t.save}</button>
    </p>`
    }
    <p role="status">${preview ? t.moves(preview.up, preview.down, preview.unchanged) : ''} ${status}</p>
    ${
      preview &&
      Object.keys(preview.byTier).length > 0 &&
      html`<table>
      <caption>${t.previewMoves}${preview.asOf ? ` (${t.audienceAsOf(preview.asOf)})` : ''}</caption>
      <thead><tr><th scope="col">${t.tier}</th><th scope="col">${t.up}</th><th scope="col">${t.down}</th><th scope="col">${t.same}</th></tr></thead>
      <tbody>
        ${Object.entries(preview.byTier).map(
          ([code, moves]) =>
            html`<tr><th scope="row">${code}</th><td>${moves.up}</td><td>${moves.down}</td><td>${moves.unchanged}</td></tr>`,
        )}
      </tbody>
    </table>`
    }`;
}
