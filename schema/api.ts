// The HTTP API described as data for OpenAPI: each route of the topology with its zod request and response schemas.
import type * as z from 'zod/mini';
import { enrollmentRequest, enrollmentResponse } from './enrollment.ts';
import { problem } from './problem.ts';
import { tierLadder, tierLadderInput } from './tier-ladder.ts';
import {
  identityCandidates,
  memberLookupResponse,
  memberView,
  mergeAnswer,
  mergeRequest,
  undoAnswer,
} from './admin-members.ts';
import { calendarEntryInput, testSendRequest } from './calendar.ts';
import { campaignReport } from './campaign-report.ts';
import { sendingSwitchInput } from './admin-sending.ts';
import { couponValidation, couponValidationAnswer, memberCoupons } from './coupons.ts';
import { memberStatus } from './member-status.ts';
import { chunkReport, importChunkRequest, importReport } from './imports.ts';
import { webhookCreated, webhookList, webhookRequest } from './webhooks.ts';
import { consentChangeRequest, profileChangeRequest, signInRequest } from './member-page.ts';

export interface RouteDoc {
  readonly summary: string;
  readonly query?: Record<string, { description: string; required: boolean }>;
  readonly requestBody?: z.ZodMiniType;
  readonly responses: Record<number, { description: string; json?: z.ZodMiniType; html?: true }>;
}

const badRequest = { description: 'Invalid input: one entry per wrong field', json: problem };
const unauthorized = { description: 'No valid bearer token', json: problem };
const forbiddenRead = { description: 'Not in the marketing or viewer group', json: problem };
const forbiddenEdit = { description: 'Not in the marketing group', json: problem };
const notFound = { description: 'No such member', json: problem };

/** Keyed by `METHOD /path` exactly as in infra/topology.ts; a test fails when a route has no entry here. */
export const apiDocs: Record<string, RouteDoc> = {
  'GET /join': {
    summary: 'The enrollment web form (Korean by default, English with ?lang=en or Accept-Language)',
    query: { lang: { description: '`ko` or `en`', required: false } },
    responses: { 200: { description: 'HTML form', html: true } },
  },
  'POST /members': {
    summary: 'Enroll a member; the same e-mail or phone again answers the existing member',
    requestBody: enrollmentRequest,
    responses: {
      202: { description: 'Enrolled (new or existing person alike)', json: enrollmentResponse },
      400: badRequest,
      413: { description: 'Body larger than 16 KB', json: problem },
      415: { description: 'Body is not application/json', json: problem },
    },
  },
  'GET /members/confirm': {
    summary:
      'The link of the confirmation mail: a page with one button (HTML for browsers, JSON otherwise). Changes nothing, so mail scanners that fetch links confirm nothing.',
    query: { token: { description: 'Signed token from the confirmation mail', required: true } },
    responses: {
      200: { description: 'The page with the button that posts the token', html: true },
      400: { description: 'Missing, invalid or expired token', json: problem },
    },
  },
  'POST /members/confirm': {
    summary:
      'The page’s button posts the token (form field `token`, or JSON `{token}`): the mail’s link verifies the address (and e-mail consent: double opt-in), the SMS link the phone, the guardian’s SMS link a child’s membership; each once.',
    responses: {
      200: { description: 'Confirmed, or already confirmed: a page for the form, `{memberId, status}` for JSON' },
      400: { description: 'Missing, invalid or expired token', json: problem },
    },
  },
  'GET /admin/tiers': {
    summary: 'The tier ladder in force (ETag: its version). Groups marketing or viewer.',
    responses: {
      200: { description: 'The ladder', json: tierLadder },
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'PUT /admin/tiers': {
    summary:
      'Replace the tier ladder; needs If-Match with the version read; takes effect at the next tier review; answers with a preview of members moving up or down. With `?dryRun=true` nothing is saved: the ladder is checked and the preview answered (`dryRun: true`). Group marketing.',
    query: { dryRun: { description: '`true`: check and preview only, save nothing', required: false } },
    requestBody: tierLadderInput,
    responses: {
      200: { description: 'Saved as pending (ETag: the new version)', json: tierLadder },
      400: { description: 'Invalid ladder or If-Match, one entry per field', json: problem },
      401: unauthorized,
      403: forbiddenEdit,
      412: { description: 'The ladder changed since it was read', json: problem },
      428: { description: 'If-Match missing', json: problem },
    },
  },
  'GET /admin/sending': {
    summary: 'Whether all sending is paused (the kill switch), by whom and when. Groups marketing or viewer.',
    responses: {
      200: { description: '`{paused, by?, at?, reason?}`' },
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'PUT /admin/sending': {
    summary:
      'The kill switch: `{paused: true}` holds every campaign and touchpoint job on its queue (verification links still go), `{paused: false}` lets them go, each recipient once. Audited. Group marketing.',
    requestBody: sendingSwitchInput,
    responses: {
      200: { description: 'The new state `{paused, by, at, reason?}`' },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
    },
  },
  'GET /admin/audit': {
    summary:
      'Admin writes of a month (who, when, what, before/after version), newest first. Groups marketing or viewer.',
    query: {
      month: { description: 'YYYY-MM (default: this month)', required: false },
      limit: { description: '1–100 (default 50)', required: false },
      cursor: { description: '`next` of the previous page', required: false },
    },
    responses: {
      200: { description: 'Audit entries' },
      400: { description: 'Invalid month, limit or cursor', json: problem },
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'GET /admin/members/{id}/export': {
    summary: 'Everything kept about a member, as a JSON download (audited). Groups marketing or viewer.',
    responses: {
      200: { description: '`{exportedAt, member, consentHistory, tierHistory, dueTouchpoints}`' },
      401: unauthorized,
      403: forbiddenRead,
      404: notFound,
    },
  },
  'DELETE /admin/members/{id}': {
    summary:
      'Erase the personal data of a member; anonymous purchase records stay (audited, idempotent). Group marketing.',
    responses: {
      200: { description: '`{memberId, status: "erased"}`' },
      401: unauthorized,
      403: forbiddenEdit,
      404: notFound,
    },
  },
  'GET /admin/calendar': {
    summary:
      'The benefit calendar (the seed programme is created on first use, never over edits). Groups marketing or viewer.',
    responses: {
      200: { description: '`{items: [entry with id, version, updatedAt, updatedBy]}`' },
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'POST /admin/calendar': {
    summary: 'Create an entry; content is checked (known variables, both locales, SMS length). Group marketing.',
    requestBody: calendarEntryInput,
    responses: {
      201: { description: 'Created (ETag: version 1)' },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
    },
  },
  'GET /admin/calendar/{id}': {
    summary: 'One entry (ETag: its version). Groups marketing or viewer.',
    responses: {
      200: { description: 'The entry' },
      401: unauthorized,
      403: forbiddenRead,
      404: { description: 'No such entry', json: problem },
    },
  },
  'PUT /admin/calendar/{id}': {
    summary: 'Replace an entry; If-Match with its version (412 when stale, 428 without). Group marketing.',
    requestBody: calendarEntryInput,
    responses: {
      200: { description: 'Replaced (ETag: the new version)' },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such entry', json: problem },
      412: { description: 'The entry changed since it was read', json: problem },
      428: { description: 'If-Match missing', json: problem },
    },
  },
  'DELETE /admin/calendar/{id}': {
    summary: 'Delete an entry; If-Match with its version. Group marketing.',
    responses: {
      204: { description: 'Deleted' },
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such entry', json: problem },
      412: { description: 'The entry changed since it was read', json: problem },
      428: { description: 'If-Match missing', json: problem },
    },
  },
  'POST /admin/calendar/{id}/preview': {
    summary:
      'Audience size per tier (and segment) as of the last RFM run, and the content rendered per channel and locale. Group marketing.',
    responses: {
      200: {
        description: '`{entryId, version, audience: {asOf, total, byTier}, samples: {channel: {locale: fields}}}`',
      },
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such entry', json: problem },
    },
  },
  'POST /admin/calendar/{id}/test-send': {
    summary:
      'Send the entry, rendered with sample values, to one e-mail address or phone, marked as a test ("[TEST]"; no ledger, caps or counters). Group marketing.',
    requestBody: testSendRequest,
    responses: {
      202: { description: '`{status: "queued", entryId, version, channel, test: true}`' },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such entry', json: problem },
    },
  },
  'GET /unsubscribe': {
    summary:
      'Unsubscribe link of a mail: a page with one button that withdraws the channel; opening it changes nothing (mail scanners fetch links).',
    query: { token: { description: 'The signed token of the link', required: true } },
    responses: {
      200: { description: 'The page with the button', html: true },
      400: {
        description: 'Invalid or expired link: a page for browsers (Accept: text/html), problem+json otherwise',
        json: problem,
      },
    },
  },
  'POST /unsubscribe': {
    summary:
      'Withdraws the channel at once (no login, no redirect; the same link again changes nothing): RFC 8058 one-click (body `List-Unsubscribe=One-Click`) as mail clients send it from the List-Unsubscribe-Post header, or the page’s button.',
    query: { token: { description: 'The signed token of the link', required: true } },
    responses: {
      200: { description: '`{status: "unsubscribed", channel}`' },
      400: { description: 'Invalid or expired link (`errors: [{path: "token"}]`)', json: problem },
    },
  },
  'GET /admin/reports/tiers': {
    summary:
      'Members, 12-month spend and average LTV per tier, members per RFM offer group, as of the last monthly RFM run.',
    responses: {
      200: {
        description:
          '`{asOf, tiers: [{code, members, spend12m, averageLtv}], rfmGroups, history: [{month, members: {code: n}}]}` (history: the last 12 monthly runs, oldest first)',
      },
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'GET /admin/reports/campaigns/{id}': {
    summary:
      'Sent, delivered, opened (machine opens counted apart), clicked, bounced, complained, unsubscribed, converted and revenue (net of refunds, per recipient too) of a calendar entry — all issues, or one with `?period=` — by tier, segment, variant, period and follow-up step, against the holdout with the uplift and its 95 % interval. Groups marketing or viewer.',
    query: { period: { description: 'One issue: `2027-04`, `2027`, `once`…', required: false } },
    responses: {
      200: { description: 'The report', json: campaignReport },
      401: unauthorized,
      403: forbiddenRead,
      400: badRequest,
      404: { description: 'No such campaign', json: problem },
    },
  },
  'GET /admin/members': {
    summary:
      'Look members up: exact e-mail or phone (normalised), or name prefix (Hangul included), paged. Groups marketing or viewer.',
    query: {
      email: { description: 'Exact e-mail address', required: false },
      phone: { description: 'Phone in any common form', required: false },
      name: { description: 'Name prefix', required: false },
      limit: { description: 'Page size, 1–50 (default 20)', required: false },
      cursor: { description: '`next` of the previous page', required: false },
    },
    responses: {
      200: { description: 'Matching members', json: memberLookupResponse },
      400: { description: 'Not exactly one of email, phone, name; or an invalid value', json: problem },
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'GET /admin/members/{id}': {
    summary: 'One member: profile, consents, tier and its history with reasons, spend, RFM, due and sent touchpoints.',
    responses: {
      200: { description: 'The member', json: memberView },
      401: unauthorized,
      403: forbiddenRead,
      404: notFound,
    },
  },
  'GET /admin/coupons': {
    summary:
      "A member's coupons: offer, validity, state (active, redeemed, expired) and the order that redeemed each. Groups marketing or viewer.",
    query: { memberId: { description: 'The member', required: true } },
    responses: {
      200: { description: 'The coupons, oldest first', json: memberCoupons },
      400: badRequest,
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'POST /admin/imports': {
    summary:
      'One chunk (at most 500 rows) of an import file: members or purchase history (docs/import.md). Every chunk of a file carries the same `id` (`npm run import` derives it from the content) and its first row number; a chunk sent again answers its first report and writes nothing, so a rerun after a crash ends in the same state. A dry run checks and reports (valid, invalid with row, column and reason, duplicates within the file, matches with existing members) and writes only its report. Members are matched on external id, e-mail or phone and left as they are; a row whose contacts belong to two members is refused, never merged. Consent counts only with its source and time. Purchases take the purchase events’ exactly-once path. Group marketing.',
    requestBody: importChunkRequest,
    responses: {
      200: { description: 'The chunk’s report', json: chunkReport },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
      409: { description: 'The id belongs to an import of another kind, or a dry run to a real one', json: problem },
    },
  },
  'GET /admin/identity/candidates': {
    summary:
      'Pairs of members that may be one person, for review: the same name and birthday with other contacts (`name-birthday`), one mailbox under two addresses — Gmail dots, plus tags (`email-variant`) —, a phone one of them lost unverified to the other (`same-phone`). Noted when members enroll or are imported; never merged here (`POST /admin/members/{id}/merge` does). Pairs with a merged or erased member drop out. Contacts masked for viewers; each member shown gets an access record. Groups marketing or viewer.',
    query: {
      limit: { description: 'Pairs per page, 1–100 (default 50)', required: false },
      cursor: { description: 'The `next` of the page before', required: false },
    },
    responses: {
      200: { description: 'A page of pairs', json: identityCandidates },
      400: badRequest,
      401: unauthorized,
      403: forbiddenRead,
    },
  },
  'POST /admin/members/{id}/merge': {
    summary:
      'Merges member `{id}` into `into` in one consistent step: spend and orders combine, the tier moves up at once if the combined spend reaches higher (down only at a review), each consent is the more restrictive, the ledger (nobody gets the same birthday mail twice), histories and coupons go to the survivor, its contacts too where it has none. `{id}` keeps resolving to the survivor (purchases, refunds, contact look-ups). A `Members Merged` event. The same merge again answers the same. 409: into itself, into or from a member not active. Undo within 30 days. Group marketing.',
    requestBody: mergeRequest,
    responses: {
      200: { description: 'Merged', json: mergeAnswer },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
      404: notFound,
      409: { description: 'Into itself, or a member erased, merged or pending', json: problem },
    },
  },
  'POST /admin/merges/{mergeId}/undo': {
    summary:
      'Undoes a merge within 30 days: both members as they were plus what happened since, split by where it came from — purchases that named the merged member (its old id, a contact the merge moved) go back to it with their orders, the survivor keeps its own (and a tier or consents changed since); `Members Merged` with `undone: true`. 409 after 30 days or a second time. Group marketing.',
    responses: {
      200: { description: 'Undone', json: undoAnswer },
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such merge', json: problem },
      409: { description: 'Undone already, or more than 30 days ago', json: problem },
    },
  },
  'GET /admin/imports/{id}': {
    summary:
      'An import’s progress: counts of every chunk so far, the chunks done (a resumed import skips them), the first 1,000 row errors. Groups marketing or viewer.',
    responses: {
      200: { description: 'The report', json: importReport },
      401: unauthorized,
      403: forbiddenRead,
      404: { description: 'No such import', json: problem },
    },
  },
  'GET /admin/webhooks': {
    summary:
      'The webhook subscriptions: address, events, rate limit, state (never their secrets). Groups marketing or viewer.',
    responses: { 200: { description: 'Every subscription', json: webhookList }, 401: unauthorized, 403: forbiddenRead },
  },
  'POST /admin/webhooks': {
    summary:
      'A new subscriber: its HTTPS address gets each of the chosen events (`Member Enrolled`, `Tier Changed`, `Touchpoint Sent`, `Consent Changed`, `Coupon Redeemed`, `Members Merged`, `Member Erased` — ids, never contact data) as the EventBridge event in a POST, signed the Standard Webhooks way (`webhook-id` = the event id, the same on every retry; `webhook-timestamp`; `webhook-signature` = `v1,` base64 HMAC-SHA256 of `id.timestamp.body` under the secret, answered here once). EventBridge delivers: retries, a dead-letter queue, at most `rateLimitPerSecond` (default 10) per second (docs/webhooks.md). `eventTypes` is taken as another name of `events`. Group marketing.',
    requestBody: webhookRequest,
    responses: {
      201: { description: 'Subscribed: the secret is shown this once', json: webhookCreated },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
    },
  },
  'DELETE /admin/webhooks/{id}': {
    summary:
      'Removes a subscriber and its delivery route: nothing is delivered to it after the answer. Group marketing.',
    responses: {
      204: { description: 'Removed' },
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such webhook', json: problem },
    },
  },
  'DELETE /admin/webhooks': {
    summary:
      'The same as `DELETE /admin/webhooks/{id}`, the id given as `?id=` (or a JSON body `{"id"}`). Group marketing.',
    query: { id: { description: 'The webhook', required: false } },
    responses: {
      204: { description: 'Removed' },
      400: badRequest,
      401: unauthorized,
      403: forbiddenEdit,
      404: { description: 'No such webhook', json: problem },
    },
  },
  'POST /partner/coupons/validate': {
    summary:
      'Whether a coupon applies to this member (when named) and basket now, and its discount. Redeems nothing: the purchase event that names the code does. Signed with AWS SigV4 (service execute-api); locally with the key pair of `npm run partner-credentials`.',
    requestBody: couponValidation,
    responses: {
      200: {
        description: '`valid` and the discount, or `valid: false` with the reason (unknown, expired, used, foreign…)',
        json: couponValidationAnswer,
      },
      400: badRequest,
      401: { description: 'Not signed', json: problem },
      403: { description: 'Signed with an unknown key, or the signature does not match', json: problem },
    },
  },
  'GET /partner/members/{memberId}/status': {
    summary:
      "A member's tier (with its name from the ladder), spend and purchases in the rolling 12 months, what the next tier still needs, what keeps the tier and until when, and the coupons usable now — no contact data, for a shop's own member page. Signed with AWS SigV4 (service execute-api).",
    responses: {
      200: { description: 'The status', json: memberStatus },
      401: { description: 'Not signed', json: problem },
      403: { description: 'Signed with an unknown key, or the signature does not match', json: problem },
      404: { description: 'No such member (or no longer a member)', json: problem },
    },
  },
  'GET /me/sign-in': {
    summary:
      'The sign-in page (a form for an e-mail address or phone), or with `?token=` the page of a sign-in link: one button that signs in (opening the link signs nobody in). An expired, used or foreign link shows a page that says so and offers a new link.',
    query: {
      token: { description: 'The sign-in link’s token', required: false },
      lang: { description: '`ko` or `en`', required: false },
    },
    responses: {
      200: { description: 'The page', html: true },
      400: { description: 'A link that does not work', html: true },
    },
  },
  'POST /me/sign-in': {
    summary:
      'Ask for a sign-in link (`{email}` or `{phone}`, JSON or the form): always the same 202; a link valid 15 minutes, once, goes to that contact if it is a member’s verified one (at most 3 a day per contact).',
    requestBody: signInRequest,
    responses: { 202: { description: 'Received (whoever asked)' }, 400: badRequest },
  },
  'POST /me/session': {
    summary:
      'The link page’s button (form field `token`): a session cookie (HttpOnly, Secure, SameSite=Lax, 30 minutes idle; a new id at each sign-in) and a redirect to /me.',
    responses: {
      303: { description: 'Signed in: to /me with the cookie' },
      400: { description: 'Expired, used or foreign link: a page that offers a new one', html: true },
    },
  },
  'GET /me': {
    summary:
      'The member’s page (their language, a phone first, no JavaScript): tier with its name, 12 months’ spend and purchases, what the next tier needs, what keeps the tier and until when, tier history in words, this tier’s benefits from the calendar, active coupons, consents per channel with source and time. Without a session: a redirect to /me/sign-in.',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in' } },
  },
  'GET /me/data': {
    summary: 'Everything kept about the signed-in member, as JSON (PIPA’s right of access); audited.',
    responses: { 200: { description: 'The export' }, 401: { description: 'Not signed in', json: problem } },
  },
  'PUT /me/consents': {
    summary:
      'The member’s consent changes (JSON, header `x-csrf-token`): withdrawals at once; SMS, post and night-time can be given; e-mail given again waits for the link of a confirmation mail (double opt-in). Each change is a consent record (source `member`), a `Consent Changed` event and an audit entry.',
    requestBody: consentChangeRequest,
    responses: {
      200: { description: 'The channels that changed' },
      400: badRequest,
      401: { description: 'Not signed in', json: problem },
      403: { description: 'No or a wrong CSRF token', json: problem },
    },
  },
  'POST /me/consents': {
    summary:
      'The page’s consent form (form fields per channel and `csrf`): as PUT /me/consents, then back to /me. A channel the member cannot receive (no phone for SMS, no address for post) comes back on the page.',
    responses: {
      303: { description: 'Saved' },
      400: { description: 'The page with what is missing', html: true },
      403: { description: 'No or a wrong CSRF token', json: problem },
    },
  },
  'POST /me/sign-out': {
    summary: 'Ends the session (form field `csrf`) and clears the cookie.',
    responses: {
      303: { description: 'To the sign-in page' },
      403: { description: 'A wrong CSRF token', json: problem },
    },
  },
  'DELETE /me': {
    summary:
      'The member asks to delete their membership (header `x-csrf-token`): a link that confirms it goes to their verified e-mail (else phone); nothing is deleted before its page is confirmed.',
    responses: {
      202: { description: 'The link is on its way' },
      401: { description: 'Not signed in', json: problem },
      403: { description: 'No or a wrong CSRF token', json: problem },
    },
  },
  'POST /me/erasure': {
    summary: 'The page’s form for DELETE /me (form field `csrf`).',
    responses: {
      202: { description: 'The link is on its way', html: true },
      403: { description: 'A wrong CSRF token', json: problem },
    },
  },
  'GET /me/erase': {
    summary: 'The erasure link’s page: one button (opening the link deletes nothing).',
    query: { token: { description: 'The erasure link’s token', required: true } },
    responses: {
      200: { description: 'The page', html: true },
      400: { description: 'A link that does not work', html: true },
    },
  },
  'POST /me/erase': {
    summary:
      'The button (form field `token`): the same erasure as the privacy group’s — personal data gone, anonymous purchase records kept, audited — and `Member Erased`; the session ends.',
    responses: {
      200: { description: 'Deleted', html: true },
      400: { description: 'A link that does not work', html: true },
    },
  },
  'PUT /me/profile': {
    summary:
      'The member’s profile (JSON, header `x-csrf-token`): name, birthday (at most once a year), anniversary, address, locale, time zone; `null` removes an optional field. Birthday and zone move the member in the date audiences at once. A `Profile Changed` event (field names only) and an audit entry.',
    requestBody: profileChangeRequest,
    responses: {
      200: { description: 'The fields that changed' },
      400: badRequest,
      401: { description: 'Not signed in', json: problem },
      403: { description: 'No or a wrong CSRF token', json: problem },
    },
  },
  'POST /me/profile': {
    summary:
      'The page’s profile form (form fields and `csrf`): as PUT /me/profile; an empty date removes it, the address as `postalCode`, `address1`, `address2` (all empty removes it). Errors come back on the page next to their fields.',
    responses: {
      303: { description: 'Saved: back to /me' },
      400: { description: 'The page with each wrong field marked', html: true },
      403: { description: 'A wrong CSRF token', json: problem },
    },
  },
  'POST /me/contacts': {
    summary:
      'A new e-mail (`{email}`) or phone (`{phone}`) for the membership (header `x-csrf-token`; or the page’s form with fields `email` or `phone` and `csrf`, answered by the page: 303 with its notice, 400 with the field marked): a link goes to it; the old one stays in use until the link’s page is confirmed, then the old one is told.',
    requestBody: signInRequest,
    responses: {
      202: { description: 'The link is on its way to the new contact' },
      303: { description: 'The form: back to /me, which says where the link went' },
      400: badRequest,
      401: { description: 'Not signed in', json: problem },
      403: { description: 'No or a wrong CSRF token', json: problem },
    },
  },
  'GET /me/contacts/confirm': {
    summary: 'The new contact’s link: a page with one button (opening it changes nothing).',
    query: { token: { description: 'The link’s token', required: true } },
    responses: {
      200: { description: 'The page', html: true },
      400: { description: 'A link that does not work', html: true },
    },
  },
  'POST /me/contacts/confirm': {
    summary:
      'The button (form field `token`): the new contact replaces the old one, verified, in one transaction; `Contact Changed`; the old contact is told.',
    responses: {
      200: { description: 'Changed', html: true },
      400: { description: 'A link that does not work, or the contact is another member’s', html: true },
    },
  },
};
