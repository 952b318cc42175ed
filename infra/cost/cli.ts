// `npm run cost -- --members 100000 --purchases-per-month 50000 [--enrollments-per-month …] [--mails-per-month …]
// [--sms-per-month …] [--api-requests-per-month …]`: the estimated monthly AWS bill per service.
import { parseArgs } from 'node:util';
import { monthlyBill, type Volumes } from './model.ts';
import { PRICES_AS_OF } from './prices.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    'purchases-per-month': { type: 'string', default: '50000' },
    'enrollments-per-month': { type: 'string' },
    'mails-per-month': { type: 'string' },
    'sms-per-month': { type: 'string' },
    'api-requests-per-month': { type: 'string' },
  },
});
const members = Number(values.members);
const volumes: Volumes = {
  members,
  purchasesPerMonth: Number(values['purchases-per-month']),
  // Defaults: 2 % of the members join a month, each gets 4 mails (newsletter, new products, birthday, a campaign)
  // and one SMS in ten consents to SMS, staff and members' pages make 2 requests per member.
  enrollmentsPerMonth: Number(values['enrollments-per-month'] ?? Math.round(members * 0.02)),
  mailsPerMonth: Number(values['mails-per-month'] ?? members * 4),
  smsPerMonth: Number(values['sms-per-month'] ?? Math.round(members * 0.1)),
  apiRequestsPerMonth: Number(values['api-requests-per-month'] ?? members * 2),
};
const lines = monthlyBill(volumes);
const total = lines.reduce((sum, line) => sum + line.usd, 0);
console.log(`Estimated monthly AWS bill — prices ${PRICES_AS_OF}`);
console.log(
  `members ${volumes.members.toLocaleString('en')}, purchases ${volumes.purchasesPerMonth.toLocaleString('en')}, enrollments ${volumes.enrollmentsPerMonth.toLocaleString('en')}, mails ${volumes.mailsPerMonth.toLocaleString('en')}, SMS ${volumes.smsPerMonth.toLocaleString('en')}, API requests ${volumes.apiRequestsPerMonth.toLocaleString('en')} a month\n`,
);
const width = Math.max(...lines.map((line) => line.service.length));
for (const line of lines)
  console.log(`${line.service.padEnd(width)}  ${`$${line.usd.toFixed(2)}`.padStart(10)}  ${line.basis}`);
console.log(`${'total'.padEnd(width)}  ${`$${total.toFixed(2)}`.padStart(10)}`);
