// GET /unsubscribe?token= (a page) and POST /unsubscribe?token= (RFC 8058 one-click): withdraw the channel at once,
// no login and no redirect; the same link twice changes nothing more.
import { unsubscribe } from '#app/engagement';
import { unsubscribePage } from '#app/unsubscribe-page';
import { html, httpHandler, json, wantsHtml } from '#shared/http';
import { engagementStore, systemClock, tokenSecret } from '#shared/wiring';

const deps = { store: engagementStore(), secret: await tokenSecret(), clock: systemClock };

export const handler = httpHandler(async (event) => {
  const token = event.queryStringParameters?.['token'] ?? '';
  const oneClick = event.requestContext.http.method === 'POST';
  const result = await unsubscribe(token, oneClick ? 'one-click' : 'unsubscribe-page', deps);
  if (!result.ok) {
    if (oneClick && !wantsHtml(event)) return json(400, { status: 'invalid', reason: result.reason });
    return html(400, unsubscribePage('ko', 'invalid'));
  }
  if (oneClick && !wantsHtml(event)) return json(200, { status: 'unsubscribed', channel: result.channel });
  return html(200, unsubscribePage(result.locale, { channel: result.channel }));
});
