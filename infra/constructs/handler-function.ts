// One Lambda function per topology handler: its own minified ESM bundle, its log group, its env and its grants.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Architecture,
  Code,
  type ILayerVersion,
  Function as LambdaFunction,
  LayerVersion,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { HandlerSpec } from '../topology.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The Powertools version the bundles use (package.json pins it exactly): the Tracer comes from its layer. */
export const POWERTOOLS_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
).dependencies['@aws-lambda-powertools/tracer'];

/** AWS publishes each Powertools layer's ARN, per region, as a public SSM parameter named by its version. */
export const POWERTOOLS_LAYER_PARAMETER = `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}`;

/**
 * Powertools for AWS Lambda's own layer, one reference per stack: Tracer and the X-Ray SDK (≈ 125 KB) are loaded
 * from it, not bundled into every function (functions/adapters/tracing.ts).
 */
function powertoolsLayer(scope: Construct): ILayerVersion {
  const stack = Stack.of(scope);
  const found = stack.node.tryFindChild('PowertoolsLayer') as ILayerVersion | undefined;
  return (
    found ??
    LayerVersion.fromLayerVersionArn(
      stack,
      'PowertoolsLayer',
      StringParameter.valueForStringParameter(stack, POWERTOOLS_LAYER_PARAMETER),
    )
  );
}

export class HandlerFunction extends Construct {
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: { spec: HandlerSpec; environment: Record<string, string> }) {
    super(scope, id);
    const { spec } = props;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new LambdaFunction(this, 'Function', {
      description: `dangol: ${spec.description}`,
      code: handlerCode(spec.name),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 256,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      tracing: Tracing.ACTIVE,
      layers: [powertoolsLayer(this)],
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
    });
  }
}

/**
 * The handler's minified ESM bundle (AWS SDK inside, pinned), made on this machine by infra/bundle-handler.ts — the
 * bundler `npm run bench` measures — and hashed by its output. CDK's local bundling is synchronous, so the esbuild
 * JS API (which takes the plugin that lets the SDK's schemas tree-shake) runs in a child process.
 */
function handlerCode(name: string): Code {
  return Code.fromAsset(join(ROOT, 'functions'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never run (local bundling always succeeds or throws); it names the handler, so each gets its own asset.
      image: DockerImage.fromRegistry('unused-local-bundling-only'),
      command: ['bundle-handler', name],
      local: {
        tryBundle(outputDir: string): boolean {
          const result = spawnSync(
            process.execPath,
            [
              '--import',
              'tsx',
              join(ROOT, 'infra', 'bundle-handler.ts'),
              join(ROOT, 'functions', 'handlers', `${name}.ts`),
              join(outputDir, 'index.mjs'),
            ],
            { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
          );
          if (result.status !== 0) throw new Error(`bundling ${name} failed (exit ${result.status})`);
          return true;
        },
      },
    },
  });
}
