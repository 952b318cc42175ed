// One Lambda function per topology handler: its own minified ESM bundle, its log group, its env and its grants.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Architecture,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { bundlingSettings } from '../bundling.ts';
import type { HandlerSpec } from '../topology.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: { spec: HandlerSpec; environment: Record<string, string> }) {
    super(scope, id);
    const { spec } = props;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      description: `dangol: ${spec.description}`,
      entry: join(ROOT, 'functions', 'handlers', `${spec.name}.ts`),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 256,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      tracing: Tracing.ACTIVE,
      // Secrets are read over localhost from this extension, so no Secrets Manager client is bundled.
      ...(spec.capabilities.some((capability) => capability === 'tokens' || capability === 'contactHashes') && {
        paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
          cacheSize: 10,
        }),
      }),
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'dangol',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: bundlingSettings.minify,
        target: bundlingSettings.target,
        mainFields: [...bundlingSettings.mainFields],
        banner: bundlingSettings.banner,
        sourceMap: false,
        // Bundle AWS SDK v3 rather than take the runtime's copy: pinned versions, smaller cold start.
        externalModules: [],
        esbuildArgs: Object.fromEntries(
          Object.entries(bundlingSettings.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        forceDockerBundling: false,
      },
    });
  }
}
