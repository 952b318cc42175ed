// Page chains that never fork: a page (or a start) hands the next pages to the queue at most once per chain key,
// behind a conditional marker, and only after its own writes. A retry of a page that already handed on hands on
// nothing; a run that died between its writes and its hand-on hands on when it is retried.
import { runClaimed } from './claimed-effect.ts';

export interface HandOnMarkers {
  /**
   * Claims the hand-on of `key`: true when it was never claimed, or was claimed before `staleBefore` and never
   * completed (a run that died while enqueueing).
   */
  claim(key: string, now: Date, staleBefore: Date): Promise<boolean>;
  complete(key: string, now: Date): Promise<void>;
  /** Gives a claim back after the enqueue failed, so a retry may claim it again. */
  release(key: string, claimedAt: Date): Promise<void>;
}

/** A claim older than this whose enqueue never completed may be taken over by a retry of the page. */
export const HAND_ON_STALE_MS = 5 * 60 * 1000;

/** Runs `handOn` (the enqueue of what comes next) once per `key`; false when another run already did or does it. */
export async function handOnOnce(
  markers: HandOnMarkers,
  key: string,
  now: Date,
  handOn: () => Promise<void>,
): Promise<boolean> {
  if (!(await markers.claim(key, now, new Date(now.getTime() - HAND_ON_STALE_MS)))) return false;
  await runClaimed({ release: () => markers.release(key, now), complete: () => markers.complete(key, now) }, handOn);
  return true;
}
