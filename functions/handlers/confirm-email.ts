// GET /members/confirm?token= shows a page with one button and changes nothing (mail scanners fetch links);
// POST /members/confirm (form field `token`, from that button) confirms: an e-mail link verifies the address (and
// e-mail consent; the welcome mail follows), an SMS link the phone. A bad link is a 400: a page for a browser, problem+json otherwise.
import { checkConfirmLink, confirmEmail } from '#app/confirm-email';
import { confirmationPage } from '#app/confirmation-page';
import { header, html, httpHandler, json, postedField, problemOf, wantsHtml } from '#shared/http';
import { absorbProspects } from '#app/ingest-purchase';
import { contactHashing, eventPublisher, memberStore, purchaseDeps, systemClock, tokenSecret } from '#shared/wiring';

// Prospects, suppression and per-contact limits are keyed by the contact hash: its keys first.
await contactHashing();
const purchases = purchaseDeps();
const deps = {
  members: memberStore(),
  events: eventPublisher(),
  secret: await tokenSecret(),
  clock: systemClock,
  absorbProspects: (memberId: string, contacts: { email?: string; phone?: string }) =>
    absorbProspects(memberId, contacts, purchases),
};

/** A person at a browser: the page's own form posts, or the browser asks for HTML. */
const fromBrowser = (event: Parameters<typeof wantsHtml>[0]) =>
  wantsHtml(event) || (header(event, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded');

export const handler = httpHandler(
  async (event) => {
    if (event.requestContext.http.method === 'GET') {
      const token = event.queryStringParameters?.['token'];
      const { locale, contact } = await checkConfirmLink(token, deps);
      if (!wantsHtml(event)) return json(200, { status: 'confirmation-required', confirm: 'POST /members/confirm' });
      return html(200, confirmationPage(locale, 'ask', token, contact));
    }
    const outcome = await confirmEmail(postedField(event, 'token'), deps);
    if (fromBrowser(event))
      return html(
        200,
        confirmationPage(outcome.locale, outcome.again ? 'confirmed-again' : 'confirmed', undefined, outcome.contact),
      );
    return json(200, { memberId: outcome.memberId, status: outcome.result });
  },
  {
    // A person clicking a link gets a page, not JSON; API clients still get problem+json.
    onError: (error, event) => {
      if (!fromBrowser(event)) return undefined;
      const problem = problemOf(error);
      return html(problem.status, confirmationPage('ko', problem.status === 400 ? 'invalid' : 'failed'));
    },
  },
);
