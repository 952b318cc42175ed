// The shape of every at-most-once side effect (a member's mail or event, a page chain's hand-on): once its claim is
// held, run the effect, then record it done — or give the claim back if the effect failed, so a retry may claim it.

export async function runClaimed(
  claim: { readonly release: () => Promise<void>; readonly complete: () => Promise<void> },
  effect: () => Promise<unknown>,
): Promise<void> {
  try {
    await effect();
  } catch (error) {
    await claim.release();
    throw error;
  }
  await claim.complete();
}
