// GET /members/confirm?token= — double opt-in: activates the e-mail channel (the welcome mail follows).
import { confirmEmail } from '#app/confirm-email';
import { confirmationPage } from '#app/confirmation-page';
import { html, httpHandler, json, problemOf, wantsHtml } from '#shared/http';
import { eventPublisher, memberStore, systemClock, tokenSecret } from '#shared/wiring';

const deps = { members: memberStore(), events: eventPublisher(), secret: await tokenSecret(), clock: systemClock };

export const handler = httpHandler(
  async (event) => {
    const outcome = await confirmEmail(event.queryStringParameters?.['token'], deps);
    if (wantsHtml(event)) return html(200, confirmationPage(outcome.locale, 'confirmed'));
    return json(200, { memberId: outcome.memberId, status: outcome.result });
  },
  {
    // A person clicking a link gets a page, not JSON; API clients still get problem+json.
    onError: (error, event) => {
      if (!wantsHtml(event)) return undefined;
      const problem = problemOf(error);
      return html(problem.status, confirmationPage('ko', problem.status === 400 ? 'invalid' : 'failed'));
    },
  },
);
