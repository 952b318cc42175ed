// The account's real SES sending rate (GetAccount's SendQuota.MaxSendRate), read once at cold start: the sender
// never exceeds the lower of it and the deployment's configured rate.
import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';

/** The account's maximum send rate per second, or undefined when SES does not say (the configured rate stands). */
export async function sesAccountMaxRate(ses: SESv2Client): Promise<number | undefined> {
  const account = await ses.send(new GetAccountCommand({}));
  const rate = account.SendQuota?.MaxSendRate;
  return typeof rate === 'number' && rate > 0 ? rate : undefined;
}
