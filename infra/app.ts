// The CDK app: a stateful stack (table, key, bus) and a service stack (functions, API, queues, schedules, mail).
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { ConfigError, type DeployConfig, readDeployConfig } from './config.ts';

export interface DangolApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
  readonly edge: EdgeStack;
}

/** The deployment's config: given (tests), or the file named by context `config` (`-c config=<file>`). */
function configOf(app: App, given: DeployConfig | undefined): DeployConfig {
  if (given) return given;
  const file = app.node.tryGetContext('config') as string | undefined;
  if (!file)
    throw new ConfigError(['config'], 'No deployment config: pass -c config=<file> (see dangol.config.example.json)');
  return readDeployConfig(file);
}

/** Builds the app from the deployment's config (see infra/config.ts). */
export function buildApp(app: App = new App(), given?: DeployConfig): DangolApp {
  const config = configOf(app, given);
  if (app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences') === undefined) {
    // The service stack reads the table and bus through exports that must never be yanked from under it.
    app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  }
  // Rules may deliver to the (encrypted) queues from this account only (aws:SourceAccount on the queue policy).
  if (app.node.tryGetContext('@aws-cdk/aws-events:eventsTargetQueueSameAccount') === undefined) {
    app.node.setContext('@aws-cdk/aws-events:eventsTargetQueueSameAccount', true);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const env = { account: process.env['CDK_DEFAULT_ACCOUNT'], region: config.region };
  // Stacks and the bus are named by the stage, so several stages live side by side in one account.
  const stackName = (part: string) => `dangol-${config.stage}-${part}`;
  const stateful = new StatefulStack(app, 'DangolStateful', {
    env,
    stackName: stackName('stateful'),
    busName: `loyalty-${config.stage}`,
    description: 'dangol: member data (table, key, event bus)',
  });
  const service = new ServiceStack(app, 'DangolService', {
    env,
    stackName: stackName('service'),
    crossRegionReferences: true,
    description: 'dangol: handlers, API, queues, schedules and messaging',
    table: stateful.table,
    tableKey: stateful.key,
    bus: stateful.bus,
    config,
  });
  // WAF for CloudFront is a us-east-1 resource: the edge stack lives there and reads the API's domain.
  const edge = new EdgeStack(app, 'DangolEdge', {
    env: { account: env.account, region: 'us-east-1' },
    stackName: stackName('edge'),
    crossRegionReferences: true,
    description: 'dangol: CloudFront with AWS WAF in front of the API, and the marketing console',
    apiDomain: `${service.api.apiId}.execute-api.${config.region}.${service.urlSuffix}`,
    requestsPerIpPer5Minutes: config.edge.requestsPerIpPer5Minutes,
    signInsPerIpPer5Minutes: config.edge.signInsPerIpPer5Minutes,
    console: {
      cognitoDomain: `${config.console.cognitoDomainPrefix}.auth.${config.region}.amazoncognito.com`,
      clientId: service.adminAuth.consoleClient?.userPoolClientId ?? '',
      sms: { senderName: config.sms.senderName, optOutNumber: config.sms.optOutNumber },
    },
  });
  return { app, stateful, service, edge };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
