// GET /unsubscribe?token= shows a page with one button and withdraws nothing (mail scanners fetch links); POST
// /unsubscribe?token= withdraws the channel at once — RFC 8058 one-click (`List-Unsubscribe=One-Click`) or the
// page's button — with no login and no redirect; the same link twice changes nothing more. A bad link is a 400: a
// page for a browser, problem+json otherwise, as every error of the API.
import { checkUnsubscribeLink, unsubscribe } from '#app/engagement';
import { unsubscribePage } from '#app/unsubscribe-page';
import { header, html, HttpError, httpHandler, json, problemOf, wantsHtml } from '#shared/http';
import { engagementStore, systemClock, tokenSecret } from '#shared/wiring';

const deps = { store: engagementStore(), secret: await tokenSecret(), clock: systemClock };

function invalid(reason: string): never {
  const message = reason === 'expired' ? 'The link has expired' : 'Not a valid unsubscribe link';
  throw new HttpError(400, 'Invalid link', message, [{ path: 'token', message }]);
}

export const handler = httpHandler(
  async (event) => {
    const token = event.queryStringParameters?.['token'] ?? '';
    if (event.requestContext.http.method === 'GET') {
      const link = checkUnsubscribeLink(token, deps);
      if (!link.ok) invalid(link.reason);
      if (!wantsHtml(event)) return json(200, { status: 'unsubscribe-available', channel: link.channel });
      return html(200, unsubscribePage(link.locale, { channel: link.channel, ask: { token } }));
    }
    const fromPage = (header(event, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');
    const result = await unsubscribe(token, fromPage && wantsHtml(event) ? 'unsubscribe-page' : 'one-click', deps);
    if (!result.ok) invalid(result.reason);
    if (!wantsHtml(event)) return json(200, { status: 'unsubscribed', channel: result.channel });
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
