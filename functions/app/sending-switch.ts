// Use case: the kill switch. Marketing pauses all sending at once (campaigns, touchpoints, SMS and post; not the
// transactional verification links) and resumes it; jobs meanwhile wait on their queues. Audited.
import { sendingSwitchInput } from '#schema/admin-sending';
import { fieldErrors, ValidationError } from './validation.ts';
import type { AuditEntry, Clock } from './ports.ts';

export interface SendingState {
  readonly paused: boolean;
  readonly by?: string;
  readonly at?: string;
  readonly reason?: string;
}

export interface SendingSwitch {
  state(): Promise<SendingState>;
  /** Sets the state and writes the audit entry in one transaction. */
  set(state: SendingState, audit: AuditEntry): Promise<void>;
}

export async function setSending(body: unknown, by: string, deps: { switch: SendingSwitch; clock: Clock }) {
  const parsed = sendingSwitchInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues));
  const at = deps.clock().toISOString();
  const state: SendingState = { ...parsed.data, by, at };
  await deps.switch.set(state, {
    who: by,
    action: state.paused ? 'sending.pause' : 'sending.resume',
    target: 'sending',
    beforeVersion: null,
    afterVersion: null,
    at,
  });
  return state;
}
