// Use case: marketing edits the tier ladder. The edit is conditional on the version read (If-Match) and takes
// effect at the next tier review, never at once, so no member drops silently; the audit log records it.
import { tierLadderInput, type TierLadderDocument, type TierLadderInput } from '#schema/tier-ladder';
import { Stale, VersionRequired } from './errors.ts';
import type { Clock } from './ports.ts';
import { fieldErrors, ValidationError } from './validation.ts';
import { previewLadderChange } from './ladder-preview.ts';
import type { PageReport } from './rfm-scoring.ts';

export interface LadderDocuments {
  document(): Promise<TierLadderDocument>;
  savePending(
    expectedVersion: number,
    ladder: TierLadderInput,
    by: string,
    now: Date,
  ): Promise<TierLadderDocument | null>;
}

/** `If-Match: "3"` (or 3, or W/"3") → 3. */
export function parseIfMatch(header: string | undefined): number {
  if (header === undefined) throw new VersionRequired('Send If-Match with the version (ETag) you read');
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw new ValidationError([{ path: 'If-Match', message: 'Use the ETag of GET, e.g. "3"' }]);
  return Number(match[1]);
}

export function ladderView(document: TierLadderDocument) {
  return {
    ...document.current,
    version: document.version,
    ...(document.pending && { pending: { ...document.pending, appliesAt: 'next tier review' } }),
  };
}

export async function editTiers(
  input: { ifMatch: string | undefined; body: unknown; by: string; dryRun?: boolean },
  deps: {
    ladders: LadderDocuments;
    clock: Clock;
    programmeCurrency: string;
    lastRun?: () => Promise<{ runId: string; pages: readonly PageReport[] } | null>;
  },
) {
  const expected = parseIfMatch(input.ifMatch);
  const parsed = tierLadderInput.safeParse(input.body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  if (parsed.data.currency !== deps.programmeCurrency) {
    throw new ValidationError([{ path: 'currency', message: `The programme's currency is ${deps.programmeCurrency}` }]);
  }
  if (input.dryRun) {
    // Checked and previewed, nothing saved: who would move, before marketing commits to it.
    const current = await deps.ladders.document();
    if (current.version !== expected)
      throw new Stale(`The ladder is at version ${current.version}, not ${expected}: read it again`);
    const next = { ...parsed.data, version: current.version };
    const preview = deps.lastRun ? previewLadderChange(next, await deps.lastRun()) : undefined;
    return { ...ladderView(current), dryRun: true as const, ...(preview && { preview }) };
  }
  const saved = await deps.ladders.savePending(expected, parsed.data, input.by, deps.clock());
  if (!saved) {
    const current = await deps.ladders.document();
    throw new Stale(`The ladder is at version ${current.version}, not ${expected}: read it again`);
  }
  const preview =
    deps.lastRun && saved.pending ? previewLadderChange(saved.pending.ladder, await deps.lastRun()) : undefined;
  return { ...ladderView(saved), ...(preview && { preview }) };
}
