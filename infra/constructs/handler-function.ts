// One Lambda function per topology handler: its own minified ESM bundle, its log group, its env and its grants.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerSpec } from '../topology.ts';

const ROOT = join(import.meta.dirname, '..', '..');

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
