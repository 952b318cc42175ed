// GET /unsubscribe?token= (a page) and POST /unsubscribe?token= (RFC 8058 one-click): withdraw the channel at once,
// no login and no redirect; the same link twice changes nothing more. A bad link is a 400: a page for a browser,
// problem+json otherwise, as every error of the API.
import { unsubscribe } from '#app/engagement';
import { unsubscribePage } from '#app/unsubscribe-page';
import { html, HttpError, httpHandler, json, problemOf, wantsHtml } from '#shared/http';
import { engagementStore, systemClock, tokenSecret } from '#shared/wiring';

const deps = { store: engagementStore(), secret: await tokenSecret(), clock: systemClock };

export const handler = httpHandler(
  async (event) => {
    const token = event.queryStringParameters?.['token'] ?? '';
    const oneClick = event.requestContext.http.method === 'POST';
    const result = await unsubscribe(token, oneClick ? 'one-click' : 'unsubscribe-page', deps);
    if (!result.ok) {
      const message = result.reason === 'expired' ? 'The link has expired' : 'Not a valid unsubscribe link';
      throw new HttpError(400, 'Invalid link', message, [{ path: 'token', message }]);
    }
    if (oneClick && !wantsHtml(event)) return json(200, { status: 'unsubscribed', channel: result.channel });
    return html(200, unsubscribePage(result.locale, { channel: result.channel }));
  },
  {
    onError: (error, event) => {
      if (!wantsHtml(event)) return undefined;
      const problem = problemOf(error);
      return problem.status === 400 ? html(400, unsubscribePage('ko', 'invalid')) : undefined;
    },
  },
);
