// The members' own page (`/me…`): sign-in by a link to a verified contact, a session cookie (HttpOnly, Secure,
// SameSite=Lax, 30 minutes idle, a new id at each sign-in), the page, consent changes, the member's data, sign-out.
// Every change needs the session's CSRF token (a form field, or the `x-csrf-token` header of a JSON call). No route
// takes a member id: a session acts for its own member only.
import { timingSafeEqual } from 'node:crypto';
import {
  CONSENT_CHANNELS,
  changeConsents,
  changeProfile,
  checkContactLink,
  checkErasureLink,
  checkSignInLink,
  confirmContactChange,
  confirmErasure,
  currentSession,
  type MemberSession,
  memberPage,
  openSession,
  ownData,
  requestContactChange,
  requestErasure,
  requestSignIn,
  SESSION_IDLE_MS,
  SessionGone,
} from '#app/member-page';
import { contactChangePage, erasurePage, memberHomePage, signInLinkPage, signInPage } from '#app/member-pages';
import { ValidationError } from '#app/validation';
import {
  header,
  html,
  HttpError,
  type HttpEvent,
  type HttpResult,
  httpHandler,
  json,
  jsonBody,
  problemOf,
} from '#shared/http';
import { contactHashing, memberPageDeps, tokenSecret } from '#shared/wiring';

// Erasure finds prospects and suppressions by the contact hash: its keys first.
await contactHashing();
const deps = memberPageDeps(await tokenSecret());

const COOKIE = 'dangol_session';

function sessionCookie(event: HttpEvent): string | undefined {
  for (const cookie of event.cookies ?? []) {
    const [name, ...value] = cookie.split('=');
    if (name?.trim() === COOKIE) return value.join('=').trim();
  }
  return undefined;
}

const setCookie = (value: string, maxAgeSeconds: number) =>
  `${COOKIE}=${value}; Path=/me; HttpOnly; Secure; SameSite=Lax; Max-Age=${maxAgeSeconds}`;

const redirect = (location: string, cookies?: string[]): HttpResult => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  ...(cookies && { cookies }),
});

function localeOf(event: HttpEvent): 'ko' | 'en' {
  const lang = event.queryStringParameters?.['lang'];
  if (lang === 'en' || lang === 'ko') return lang;
  return /^en\b/i.test(header(event, 'accept-language') ?? '') ? 'en' : 'ko';
}

const isForm = (event: HttpEvent) =>
  (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

function formOf(event: HttpEvent): URLSearchParams {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > 16 * 1024)
    throw new HttpError(413, 'Content Too Large', 'The body may be at most 16 KB');
  return new URLSearchParams(text);
}

/** A change carries the session's CSRF token, or it is refused. */
function requireCsrf(session: MemberSession, given: string | null | undefined): void {
  const expected = Buffer.from(session.csrf);
  const actual = Buffer.from(given ?? '');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new HttpError(403, 'Forbidden', 'The page’s token is missing or wrong: reload the page and try again');
}

async function signedIn(event: HttpEvent): Promise<MemberSession | null> {
  return currentSession(sessionCookie(event), deps);
}

/** A JSON call's session, else 401; a change (`change`) carries the `x-csrf-token` header too, else 403. */
async function apiSession(event: HttpEvent, change = true): Promise<MemberSession> {
  const session = await signedIn(event);
  if (!session) throw new HttpError(401, 'Unauthorized', 'Sign in first: /me/sign-in');
  if (change) requireCsrf(session, header(event, 'x-csrf-token'));
  return session;
}

/** A form post's session and fields, its `csrf` field checked (403 when wrong); null when signed out. */
async function formSession(event: HttpEvent): Promise<{ session: MemberSession; form: URLSearchParams } | null> {
  const session = await signedIn(event);
  if (!session) return null;
  const form = formOf(event);
  requireCsrf(session, form.get('csrf'));
  return { session, form };
}

/**
 * Runs a form's change; bad fields answer the page again (400) with the errors next to that form's fields, else the
 * page with its notice (a redirect, so a reload posts nothing twice).
 */
async function formChange(
  session: MemberSession,
  form: 'consents' | 'profile' | 'contacts',
  change: () => Promise<unknown>,
  done: string,
): Promise<HttpResult> {
  try {
    await change();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const view = await memberPage(session.memberId, deps);
    return html(400, memberHomePage(view, session.csrf, undefined, { form, errors: error.errors }));
  }
  return redirect(done);
}

const NOTICES = { '1': 'saved', contact: 'contact-sent' } as const;

const routes: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
  'GET /me/sign-in': async (event) => {
    const token = event.queryStringParameters?.['token'];
    const locale = localeOf(event);
    if (!token)
      return html(200, signInPage(locale, event.queryStringParameters?.['signed-out'] ? 'signed-out' : 'form'));
    const link = await checkSignInLink(token, deps);
    if ('problem' in link) return html(400, signInPage(locale, link.problem));
    return html(200, signInLinkPage(link.locale, token));
  },
  'POST /me/sign-in': async (event) => {
    if (isForm(event)) {
      const form = formOf(event);
      const body = {
        ...(form.get('email') && { email: form.get('email') }),
        ...(form.get('phone') && !form.get('email') && { phone: form.get('phone') }),
      };
      await requestSignIn(body, deps);
      return html(202, signInPage(localeOf(event), 'sent'));
    }
    await requestSignIn(jsonBody(event, 4096), deps);
    return json(202, { status: 'received' });
  },
  'POST /me/session': async (event) => {
    const token = isForm(event) ? (formOf(event).get('token') ?? undefined) : undefined;
    const opened = await openSession(token, deps);
    if ('problem' in opened) return html(400, signInPage(localeOf(event), opened.problem));
    return redirect('/me', [setCookie(opened.session.id, SESSION_IDLE_MS / 1000)]);
  },
  'GET /me': async (event) => {
    const session = await signedIn(event);
    if (!session) return redirect('/me/sign-in');
    const view = await memberPage(session.memberId, deps);
    const saved = event.queryStringParameters?.['saved'];
    const notice = saved === '1' || saved === 'contact' ? NOTICES[saved] : undefined;
    return {
      ...html(200, memberHomePage(view, session.csrf, notice)),
      cookies: [setCookie(session.id, SESSION_IDLE_MS / 1000)],
    };
  },
  'GET /me/data': async (event) => {
    const session = await apiSession(event, false);
    const data = await ownData(session.memberId, deps);
    return json(200, data, {
      'content-disposition': 'attachment; filename="my-data.json"',
      'cache-control': 'no-store',
    });
  },
  'PUT /me/consents': async (event) => {
    const session = await apiSession(event);
    return json(200, await changeConsents(session.memberId, jsonBody(event, 4096), deps));
  },
  'POST /me/consents': async (event) => {
    const signed = await formSession(event);
    if (!signed) return redirect('/me/sign-in');
    const { session, form } = signed;
    // The page's checkboxes, one per channel: checked is given, unchecked withdrawn.
    const changes = Object.fromEntries(CONSENT_CHANNELS.map((channel) => [channel, form.get(channel) === 'true']));
    return formChange(session, 'consents', () => changeConsents(session.memberId, changes, deps), '/me?saved=1');
  },
  'PUT /me/profile': async (event) => {
    const session = await apiSession(event);
    return json(200, await changeProfile(session.memberId, jsonBody(event, 4096), deps));
  },
  'POST /me/profile': async (event) => {
    const signed = await formSession(event);
    if (!signed) return redirect('/me/sign-in');
    const { session, form } = signed;
    // Empty date fields remove the date; the rest as typed.
    const optional = (name: string) => (form.get(name) ? form.get(name) : null);
    // The address's three fields: all empty removes it, else all of it as typed (the schema names what is wrong).
    const address = ['postalCode', 'address1', 'address2'].map((name) => (form.get(name) ?? '').trim());
    const [postalCode = '', address1 = '', address2 = ''] = address;
    const body = {
      ...(form.has('name') && { name: form.get('name') }),
      birthday: optional('birthday'),
      anniversary: optional('anniversary'),
      ...(form.has('postalCode') && {
        postalAddress: address.every((value) => value === '')
          ? null
          : { postalCode, address1, ...(address2 && { address2 }) },
      }),
      ...(form.get('locale') && { locale: form.get('locale') }),
      ...(form.get('timeZone') && { timeZone: form.get('timeZone') }),
    };
    return formChange(session, 'profile', () => changeProfile(session.memberId, body, deps), '/me?saved=1');
  },
  'POST /me/contacts': async (event) => {
    if (isForm(event)) {
      const signed = await formSession(event);
      if (!signed) return redirect('/me/sign-in');
      const { session, form } = signed;
      // One of the two: the e-mail when both are typed.
      const body = form.get('email')
        ? { email: form.get('email') }
        : form.get('phone')
          ? { phone: form.get('phone') }
          : {};
      return formChange(
        session,
        'contacts',
        () => requestContactChange(session.memberId, body, deps),
        '/me?saved=contact',
      );
    }
    const session = await apiSession(event);
    await requestContactChange(session.memberId, jsonBody(event, 4096), deps);
    return json(202, { status: 'verification-sent' });
  },
  'GET /me/contacts/confirm': async (event) => {
    const token = event.queryStringParameters?.['token'];
    const link = await checkContactLink(token, deps);
    if ('problem' in link) return html(400, signInPage(localeOf(event), link.problem));
    return html(200, contactChangePage(link.locale, { ask: token ?? '' }));
  },
  'POST /me/contacts/confirm': async (event) => {
    const token = isForm(event) ? (formOf(event).get('token') ?? undefined) : undefined;
    const done = await confirmContactChange(token, deps);
    if ('problem' in done) return html(400, signInPage(localeOf(event), done.problem));
    return html(200, contactChangePage(done.locale, 'done'));
  },
  'DELETE /me': async (event) => {
    const session = await apiSession(event);
    await requestErasure(session.memberId, deps);
    return json(202, { status: 'erasure-link-sent' });
  },
  'POST /me/erasure': async (event) => {
    const signed = await formSession(event);
    if (!signed) return redirect('/me/sign-in');
    const { locale } = await requestErasure(signed.session.memberId, deps);
    return html(202, erasurePage(locale, 'sent'));
  },
  'GET /me/erase': async (event) => {
    const token = event.queryStringParameters?.['token'];
    const link = await checkErasureLink(token, deps);
    if ('problem' in link) return html(400, signInPage(localeOf(event), link.problem));
    return html(200, erasurePage(link.locale, { ask: token ?? '' }));
  },
  'POST /me/erase': async (event) => {
    const token = isForm(event) ? (formOf(event).get('token') ?? undefined) : undefined;
    const done = await confirmErasure(token, deps);
    if ('problem' in done) return html(400, signInPage(localeOf(event), done.problem));
    return { ...html(200, erasurePage(done.locale, 'done')), cookies: [setCookie('', 0)] };
  },
  'POST /me/sign-out': async (event) => {
    const session = await signedIn(event);
    if (session) {
      requireCsrf(session, isForm(event) ? formOf(event).get('csrf') : header(event, 'x-csrf-token'));
      await deps.sessions.end(session.id);
    }
    return redirect('/me/sign-in?signed-out=1', [setCookie('', 0)]);
  },
};

export const handler = httpHandler(
  async (event) => {
    const route = routes[event.routeKey];
    if (!route) throw new HttpError(404, 'Not Found', `No route ${event.routeKey}`);
    return route(event);
  },
  {
    onError: (error, event) => {
      // The member of the session is gone (erased meanwhile): signed out.
      if (error instanceof SessionGone) return redirect('/me/sign-in', [setCookie('', 0)]);
      const problem = problemOf(error);
      if (problem.status === 400 && isForm(event) && event.routeKey === 'POST /me/sign-in')
        return html(400, signInPage(localeOf(event), 'form'));
      return undefined;
    },
  },
);
