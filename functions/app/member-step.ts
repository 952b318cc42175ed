// Runs a side effect (a mail, an event) at most once per member and step, however often the request repeats.
import { runClaimed } from './claimed-effect.ts';
import type { MemberStep, MemberStore } from './ports.ts';

export interface StepPolicy {
  readonly now: Date;
  /** A claim older than this may be taken over (a crashed run, or a permitted resend). */
  readonly staleBefore: Date;
  /** True: never again once completed. False: again after `staleBefore` (a resend). */
  readonly once: boolean;
  /**
   * For queue consumers: a claim that is not completed is not a reason to stop. Younger than this, it may be a run
   * still in flight or one that crashed: `StepInFlight` is thrown so the queue delivers the message again later;
   * older, it is taken over. Without it (HTTP requests, where concurrent duplicates are common) an open claim
   * counts as taken.
   */
  readonly abandonedBefore?: Date;
}

/** The step is claimed by a run that has not completed it: try again once that claim is old enough to take over. */
export class StepInFlight extends Error {
  constructor(step: string) {
    super(`step ${step} is claimed by a run that has not completed it; retry later`);
    this.name = 'StepInFlight';
  }
}

/** Claims the step, runs the effect, records completion; gives the claim back if the effect fails. */
export async function runStepOnce(
  members: MemberStore,
  memberId: string,
  step: MemberStep,
  policy: StepPolicy,
  effect: () => Promise<unknown>,
): Promise<boolean> {
  const claimed = await members.claimStep(
    memberId,
    step,
    policy.now,
    policy.staleBefore,
    policy.once,
    policy.abandonedBefore,
  );
  if (!claimed) {
    if (policy.abandonedBefore && !(await completedSoon(members, memberId, step))) throw new StepInFlight(step);
    return false;
  }
  await runClaimed(
    {
      release: () => members.releaseStep(memberId, step, policy.now),
      complete: () => members.completeStep(memberId, step, policy.now),
    },
    effect,
  );
  return true;
}

/** Whether a claimed step is completed, or is within a moment (a concurrent duplicate finishing its send). */
async function completedSoon(members: MemberStore, memberId: string, step: MemberStep): Promise<boolean> {
  for (let look = 0; look < IN_FLIGHT_LOOKS; look++) {
    const state = (await members.getMember(memberId))?.steps[step];
    if (!state || state.doneAt !== undefined) return true;
    if (look < IN_FLIGHT_LOOKS - 1) await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_WAIT_MS));
  }
  return false;
}

const IN_FLIGHT_LOOKS = 4;
const IN_FLIGHT_WAIT_MS = 250;
