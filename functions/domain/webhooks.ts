// Webhooks out: which addresses may receive events, and which events a subscription's rule takes. The same rule is
// an EventBridge rule in AWS and the local event endpoint's match locally (infra/local/events-endpoint.ts).
export interface WebhookRule {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
}

/** The EventBridge event pattern of a subscription: dangol's own events (its `source`) of the chosen types. */
export function webhookEventPattern(events: readonly string[], source: string): WebhookRule {
  return { source: [source], 'detail-type': [...events] };
}

/** Whether an event (its source and detail type) matches a subscription's pattern. */
export function matchesWebhook(rule: WebhookRule, event: { source: string; detailType: string }): boolean {
  return rule.source.includes(event.source) && rule['detail-type'].includes(event.detailType);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why an address cannot take webhooks, or null: HTTPS only (API destinations call HTTPS endpoints), no user or
 * password in it (a connection carries credentials), no fragment; plain HTTP to this machine only where the
 * deployment allows it (the local stack).
 */
export function webhookUrlProblem(url: string, allowLoopbackHttp: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Give an absolute URL';
  }
  if (parsed.username || parsed.password) return 'No user or password in the URL';
  if (parsed.hash) return 'No #fragment in the URL';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && allowLoopbackHttp && LOOPBACK.has(parsed.hostname)) return null;
  return allowLoopbackHttp ? 'Use https:// (or http:// to this machine)' : 'Use https://';
}
