// Bodies of dangol's own queues (work handed from one function to the next), checked at the edge of each consumer.
// Each schema is built in a pure IIFE, so a bundle keeps only the schemas its handler parses.
import * as z from 'zod/mini';
import './zod-locale.ts';
import { channel, locale } from './common.ts';

const id = () => z.string().check(z.minLength(1), z.maxLength(200));
/** Where a page of a DynamoDB query stopped: opaque to everyone but the adapter that wrote it. */
const cursor = z.optional(z.string().check(z.maxLength(2000)));

export const reviewPageMessage = /* @__PURE__ */ (() =>
  z.object({
    runId: id(),
    reviewAt: z.string(),
    shard: z.int().check(z.minimum(0)),
    cursor,
  }))();

export const rfmPageMessage = /* @__PURE__ */ (() =>
  z.object({
    runId: id(),
    at: z.string(),
    shard: z.int().check(z.minimum(0)),
    page: z.int().check(z.minimum(0)),
    cursor,
  }))();

const audienceSource = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('date'),
    field: z.enum(['birthday', 'anniversary', 'enrolledAt']),
    monthDay: z.string().check(z.regex(/^\d{2}-\d{2}$/)),
    timeZone: id(),
    enrolledSince: z.optional(z.string()),
    enrolledBefore: z.optional(z.string()),
  }),
  z.object({ type: z.literal('population'), shard: z.int().check(z.minimum(0)) }),
  z.object({ type: z.literal('due'), kind: id(), upTo: z.string() }),
]);

export const dispatchMessage = /* @__PURE__ */ (() =>
  z.object({
    entryId: z.optional(id()),
    entryIds: z.optional(z.array(id())),
    period: z.optional(z.string()),
    source: audienceSource,
    cursor: z.optional(z.string()),
    waveBase: z.int().check(z.minimum(0)),
    phase: z.optional(z.enum(['sample', 'rollout'])),
    variant: z.optional(z.string()),
    consentMonth: z.optional(z.string()),
    at: z.optional(z.string()),
  }))();

export const sendJobMessage = /* @__PURE__ */ (() =>
  z.object({
    entryId: id(),
    period: z.string(),
    channel,
    wave: z._default(z.int().check(z.minimum(0)), 0),
    at: z.optional(z.string()),
    /** Not to be sent before this time: a wave later than SQS's 900 s delay waits on its queue again until then. */
    notBefore: z.optional(z.string()),
    recipients: z
      .array(
        z.object({
          memberId: id(),
          period: z.optional(z.string()),
          vars: z.optional(z.record(z.string(), z.string())),
          variant: z.optional(z.string()),
        }),
      )
      .check(z.maxLength(50)),
    followUp: z.optional(z.int().check(z.minimum(1), z.maximum(2))),
    test: z.optional(z.object({ to: z.string().check(z.minLength(3)), locale, by: z.string() })),
  }))();

/** SES's event as the configuration set's topic delivers it: raw, or in the SNS envelope. */
export const sesEventMessage = /* @__PURE__ */ (() =>
  z.union([
    z.object({ Type: z.literal('Notification'), Message: z.string() }),
    z.looseObject({
      eventType: z.optional(z.string()),
      notificationType: z.optional(z.string()),
      mail: z.looseObject({}),
    }),
  ]))();

/** An EventBridge event as a rule delivers it to SQS: the detail is checked by the use case for its type. */
export const busEventMessage = /* @__PURE__ */ (() =>
  z.looseObject({ 'detail-type': z.string(), detail: z.unknown() }))();
