// `npm run partner-credentials`: prints the local partner key pair (created at first use) that the local gateway
// checks SigV4 signatures of /partner routes against — sign with service `execute-api` and any region.
import { partnerCredentials } from './partner-keys.ts';

const dir = process.env['DATA_DIR'] ? `${process.env['DATA_DIR']}/local-partner` : undefined;
const { accessKeyId, secretAccessKey } = partnerCredentials(dir);
console.log(`AWS_ACCESS_KEY_ID=${accessKeyId}`);
console.log(`AWS_SECRET_ACCESS_KEY=${secretAccessKey}`);
