// SNS failures told apart as the SMS sender needs them: throttled, refused for this number, refused or unreachable
// (nothing sent), and the ambiguous rest (may have been sent), thrown as they are.
import { describe, expect, it } from 'vitest';
import type { SNSClient } from '@aws-sdk/client-sns';
import { SnsMessenger } from '#adapters/sns-messenger';
import { NotSentError, RecipientRefused, ThrottledError } from '#app/sending-ports';

const failing = (error: unknown) =>
  new SnsMessenger({ send: async () => Promise.reject(error) } as unknown as SNSClient, 'arn:topic', 'Brand');
const sdkError = (name: string, fault: 'client' | 'server', status: number) =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe('SNS messenger', () => {
  it('tells throttling, a refused number, other refusals and the unknown apart', async () => {
    await expect(failing(sdkError('Throttling', 'client', 400)).sms('+82', 't', 'Promotional')).rejects.toThrow(
      ThrottledError,
    );
    await expect(failing(sdkError('ThrottledException', 'client', 429)).post({})).rejects.toThrow(ThrottledError);
    await expect(
      failing(sdkError('InvalidParameterException', 'client', 400)).sms('+82', 't', 'Promotional'),
    ).rejects.toThrow(RecipientRefused);
    // An account-wide refusal is not the number's fault: nothing sent, but nobody failed for good.
    const denied = failing(sdkError('AuthorizationErrorException', 'client', 403)).sms('+82', 't', 'Promotional');
    await expect(denied).rejects.toThrow(NotSentError);
    await expect(denied).rejects.not.toThrow(RecipientRefused);
    await expect(
      failing(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).sms('+82', 't', 'Promotional'),
    ).rejects.toThrow(NotSentError);
    // A 5xx or a lost answer: SNS may have sent it.
    const unknown = failing(sdkError('InternalErrorException', 'server', 500)).sms('+82', 't', 'Promotional');
    await expect(unknown).rejects.toThrow('InternalErrorException');
    await expect(unknown).rejects.not.toThrow(NotSentError);
  });

  it('answers the message id of a sent SMS', async () => {
    const sent = new SnsMessenger({ send: async () => ({ MessageId: 'mid-1' }) } as unknown as SNSClient, 'arn', 'B');
    expect(await sent.sms('+821012345678', 'hello', 'Transactional')).toBe('mid-1');
  });
});
