// Every event that cannot be applied ends in the DLQ with a reason: rejected at once, or after its last attempt.
import { describe, expect, it } from 'vitest';
import { applyOrDeadLetter, type DeadLetterSink } from '#app/dead-letter-policy';
import { RejectedEvent } from '#app/ingest-purchase';

class Sink implements DeadLetterSink {
  readonly letters: { body: string; reason: string; id: string }[] = [];
  async reject(body: string, reason: string, id: string) {
    this.letters.push({ body, reason, id });
  }
}

const record = (receiveCount: number) => ({ messageId: 'm1', body: '{"x":1}', receiveCount });

describe('dead-letter policy', () => {
  it('applies and reports the outcome', async () => {
    const sink = new Sink();
    expect(await applyOrDeadLetter(record(1), async () => 'applied', sink, 5)).toEqual({ applied: 'applied' });
    expect(sink.letters).toEqual([]);
  });

  it('sends a rejected event to the DLQ at once, with its reason', async () => {
    const sink = new Sink();
    const outcome = await applyOrDeadLetter(
      record(1),
      async () => Promise.reject(new RejectedEvent('unknown order')),
      sink,
      5,
    );
    expect(outcome).toEqual({ deadLettered: 'unknown order' });
    expect(sink.letters).toEqual([{ body: '{"x":1}', reason: 'unknown order', id: 'm1' }]);
  });

  it('retries an unexpected failure, and dead-letters it with the error on the last receive', async () => {
    const sink = new Sink();
    const poison = async () => Promise.reject(new TypeError('cannot read x'));
    for (const attempt of [1, 2, 3, 4])
      await expect(applyOrDeadLetter(record(attempt), poison, sink, 5)).rejects.toThrow('cannot read x');
    expect(sink.letters).toEqual([]);
    expect(await applyOrDeadLetter(record(5), poison, sink, 5)).toEqual({
      deadLettered: 'failed on all 5 attempts: TypeError: cannot read x',
    });
    expect(sink.letters).toHaveLength(1);
  });
});
