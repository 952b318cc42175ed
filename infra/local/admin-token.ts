// `npm run admin-token -- --group marketing|viewer|privacy [--subject id] [--expires 12h]`: prints a local admin token.
import { parseArgs } from 'node:util';
import { signAdminToken } from './admin-keys.ts';

const { values } = parseArgs({
  options: {
    group: { type: 'string', default: 'marketing' },
    subject: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});
if (!['marketing', 'viewer', 'privacy'].includes(values.group ?? '')) {
  console.error('--group must be marketing, viewer or privacy');
  process.exit(1);
}
const dir = process.env['DATA_DIR'] ? `${process.env['DATA_DIR']}/local-admin` : undefined;
console.log(
  await signAdminToken({
    group: values.group ?? 'marketing',
    expiresIn: values.expires ?? '12h',
    ...(values.subject && { subject: values.subject }),
    ...(dir && { dir }),
  }),
);
