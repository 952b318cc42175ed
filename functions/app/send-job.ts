// Send jobs as they arrive from the queue: checked before use, so a malformed one fails loudly (and ends in the DLQ).
import type { SendJob } from './sending-ports.ts';

export function parseSendJob(body: string): SendJob {
  const job = JSON.parse(body) as Partial<SendJob>;
  const problems: string[] = [];
  if (typeof job.entryId !== 'string' || job.entryId === '') problems.push('entryId');
  if (typeof job.period !== 'string') problems.push('period');
  if (!['email', 'sms', 'post'].includes(String(job.channel))) problems.push('channel');
  if (!Array.isArray(job.recipients) || job.recipients.length > 50 || !job.recipients.every((r) => typeof r?.memberId === 'string')) problems.push('recipients');
  if (job.test && (typeof job.test.to !== 'string' || !['ko', 'en'].includes(job.test.locale))) problems.push('test');
  if (problems.length > 0) throw new Error(`malformed send job: ${problems.join(', ')}`);
  return { wave: 0, ...job } as SendJob;
}
