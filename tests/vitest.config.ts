// Test projects: unit (pure, in memory), integration (real emulators started once by globalSetup),
// infra (CDK synth with cdk-nag), e2e (the `npm start` stack from outside, headless Chromium).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    reporters: ['default'],
    // Projects run side by side (integration files stay one at a time among themselves): the CDK synth and the
    // browser tests use the cores while integration tests wait on queues.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/global-setup.ts'],
          setupFiles: ['tests/integration/setup-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One stack is shared: all.test.ts runs the parts one after another, so counts read from the emulators stay
          // exact, while the other projects' files run beside it.
        },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file starts its own stack on free ports: they run beside the unit and infra files, not after.
        },
      },
    ],
  },
});
