// Bundled in place of @smithy/core/event-streams (an esbuild alias, infra/bundling.ts): the SDK's protocol layer
// loads it only for operations that stream events, and no operation dangol calls (DynamoDB, SES v2, SQS, SNS,
// EventBridge) does. Should one ever do, it fails loudly here instead of silently.
const unavailable = (): never => {
  throw new Error('event streams are not bundled: remove the alias in infra/bundling.ts for this operation');
};

export class EventStreamSerde {
  constructor() {
    unavailable();
  }
}

export const eventStreamSerdeProvider = unavailable;
