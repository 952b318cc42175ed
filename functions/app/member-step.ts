// Runs a side effect (a mail, an event) at most once per member and step, however often the request repeats.
import type { MemberStep, MemberStore } from './ports.ts';

export interface StepPolicy {
  readonly now: Date;
  /** A claim older than this may be taken over (a crashed run, or a permitted resend). */
  readonly staleBefore: Date;
  /** True: never again once completed. False: again after `staleBefore` (a resend). */
  readonly once: boolean;
}

/** Claims the step, runs the effect, records completion; gives the claim back if the effect fails. */
export async function runStepOnce(
  members: MemberStore,
  memberId: string,
  step: MemberStep,
  policy: StepPolicy,
  effect: () => Promise<unknown>,
): Promise<boolean> {
  if (!(await members.claimStep(memberId, step, policy.now, policy.staleBefore, policy.once))) return false;
  try {
    await effect();
  } catch (error) {
    await members.releaseStep(memberId, step, policy.now);
    throw error;
  }
  await members.completeStep(memberId, step, policy.now);
  return true;
}
