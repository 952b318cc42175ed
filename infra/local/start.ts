// `npm start`: checks the prerequisites, starts the local stack, prints every address, stops on Ctrl-C/SIGTERM.
import { DEFAULT_PORTS, startLocalStack, type LocalPorts } from './stack.ts';
import { javaVersion } from './dynamodb-local.ts';
import { isPortFree } from './ports.ts';

const PORT_ENV: Record<keyof LocalPorts, string> = {
  http: 'PORT',
  dynamodb: 'DYNAMODB_PORT',
  ses: 'SES_PORT',
  sqsSns: 'SQS_SNS_PORT',
  sms: 'SMS_PORT',
  events: 'EVENTS_PORT',
  sesApi: 'SES_API_PORT',
};

function fail(message: string): never {
  console.error(`\n✗ ${message}\n`);
  process.exit(1);
}

async function main() {
  const ports = { ...DEFAULT_PORTS };
  for (const [part, name] of Object.entries(PORT_ENV) as [keyof LocalPorts, string][]) {
    const raw = process.env[name];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${name}=${raw} is not a port number`);
    ports[part] = port;
  }

  const java = javaVersion();
  if (java === null)
    fail(
      'Java is not installed: DynamoDB Local needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless).',
    );
  if (java < 17) fail(`Java ${java} found: DynamoDB Local needs Java 17 or newer.`);

  const taken: string[] = [];
  for (const [part, name] of Object.entries(PORT_ENV) as [keyof LocalPorts, string][]) {
    if (!(await isPortFree(ports[part]))) taken.push(`${ports[part]} (${part}; set ${name} to use another)`);
  }
  if (new Set(Object.values(ports)).size !== Object.keys(ports).length)
    fail('Two parts of the local stack were given the same port.');
  if (taken.length > 0) fail(`Port already in use: ${taken.join(', ')}. Is another \`npm start\` running?`);

  const dataDir = process.env['DATA_DIR'] || undefined;
  const stack = await startLocalStack({ ports, ...(dataDir && { dataDir }), log: (line) => console.error(line) });

  console.log(`
dangol local stack is ready${dataDir ? ` (data kept in ${dataDir})` : ' (in memory)'}
  HTTP API           ${stack.urls.http}   (enrollment form: ${stack.urls.http}/join, outbox: ${stack.urls.http}/_local/outbox)
  DynamoDB Local     ${stack.urls.dynamodb}   (table ${stack.env['TABLE_NAME']})
  SES v2 emulator    ${stack.urls.ses}   (mail viewer in the browser)
  SQS + SNS (fauxqs) ${stack.urls.sqsSns}
  SES API (handlers) ${stack.urls.sesApi}   (counts calls, injects throttling: POST /_local/faults/ses)
  SMS capture        ${stack.urls.sms}
  PutEvents          ${stack.urls.events}   (bus ${stack.env['EVENT_BUS_NAME']})
Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack…`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) =>
  fail(`The local stack could not start: ${error instanceof Error ? error.message : String(error)}`),
);
