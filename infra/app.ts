// The CDK app: a stateful stack (table, key, bus) and a service stack (functions, API, queues, schedules, mail).
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export interface DangolApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

/** Builds the app; `context` (cdk.json or -c) may set `mailFrom` and `publicBaseUrl`. */
export function buildApp(app: App = new App()): DangolApp {
  if (app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences') === undefined) {
    // The service stack reads the table and bus through exports that must never be yanked from under it.
    app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const env = { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['AWS_REGION'] ?? process.env['CDK_DEFAULT_REGION'] };
  const stateful = new StatefulStack(app, 'DangolStateful', { env, description: 'dangol: member data (table, key, event bus)' });
  const mailFrom = String(app.node.tryGetContext('mailFrom') ?? 'Membership <members@example.com>');
  const publicBaseUrl = app.node.tryGetContext('publicBaseUrl') as string | undefined;
  const service = new ServiceStack(app, 'DangolService', {
    env,
    description: 'dangol: handlers, API, queues, schedules and messaging',
    table: stateful.table,
    tableKey: stateful.key,
    bus: stateful.bus,
    mailFrom,
    ...(publicBaseUrl && { publicBaseUrl }),
  });
  return { app, stateful, service };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildApp().app.synth();
}
