// Bad input on POST /members: a table of every field, then a generated fuzz of 1,000 malformed bodies.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidTimeZone, parseMemberDate } from '#domain/member-date';
import { normaliseEmail, normalisePhone } from '#domain/identity';
import { newPerson, post } from './helpers.ts';

// One part of the integration suite (tests/integration/all.test.ts): its hooks stay inside this describe.
describe('enrollment-validation', () => {
  type Body = Record<string, unknown>;

  const base = () =>
    newPerson({ birthday: '1990-02-28', postalAddress: { postalCode: '06236', address1: '서울 강남구 테헤란로 1' } });

  const cases: [string, (body: Body) => Body, string[]][] = [
    ['missing name', ({ name: _, ...rest }) => rest, ['name']],
    ['blank name', (b) => ({ ...b, name: '   ' }), ['name']],
    ['name too long', (b) => ({ ...b, name: '가'.repeat(101) }), ['name']],
    ['name not a string', (b) => ({ ...b, name: 42 }), ['name']],
    ['invalid e-mail', (b) => ({ ...b, email: 'not-an-address' }), ['email']],
    ['e-mail too long', (b) => ({ ...b, email: `${'a'.repeat(250)}@example.com` }), ['email']],
    ['invalid phone', (b) => ({ ...b, phone: '010-12' }), ['phone']],
    ['phone with letters', (b) => ({ ...b, phone: '010-CALL-NOW' }), ['phone']],
    // The deployment allows Korean phones only (PHONE_COUNTRIES, default KR): SMS abroad costs more, invites fraud.
    ['phone of a country not allowed', (b) => ({ ...b, phone: '+1 212 555 0199' }), ['phone']],
    [
      'guardian phone of a country not allowed',
      (b) => ({
        ...b,
        birthday: `${new Date().getUTCFullYear() - 10}-01-01`,
        guardian: { name: '김보호', phone: '+44 20 7946 0958' },
      }),
      ['guardian.phone'],
    ],
    [
      'neither e-mail nor phone',
      ({ email: _e, phone: _p, ...rest }) => ({
        ...rest,
        consents: { email: false, sms: false, post: false, nightTime: false },
      }),
      ['email', 'phone'],
    ],
    ['birthday in another format', (b) => ({ ...b, birthday: '17/05/1990' }), ['birthday']],
    ['birthday that does not exist', (b) => ({ ...b, birthday: '1990-02-30' }), ['birthday']],
    ['29 February of a common year', (b) => ({ ...b, birthday: '1991-02-29' }), ['birthday']],
    ['birthday in the future', (b) => ({ ...b, birthday: '2999-01-01' }), ['birthday']],
    ['year-less date out of range', (b) => ({ ...b, anniversary: '--13-01' }), ['anniversary']],
    [
      'under 14 without guardian consent',
      (b) => ({ ...b, birthday: `${new Date().getUTCFullYear() - 10}-01-01` }),
      ['guardian'],
    ],
    ['collection notice not agreed', ({ privacyNotice: _, ...rest }) => rest, ['privacyNotice']],
    ['collection notice refused', (b) => ({ ...b, privacyNotice: false }), ['privacyNotice']],
    ['guardian without a phone', (b) => ({ ...b, guardian: { name: '김보호' } }), ['guardian.phone']],
    ['unknown locale', (b) => ({ ...b, locale: 'ja' }), ['locale']],
    ['unknown time zone', (b) => ({ ...b, timeZone: 'Mars/Olympus' }), ['timeZone']],
    ['consents missing', ({ consents: _, ...rest }) => rest, ['consents']],
    [
      'consent not a boolean',
      (b) => ({ ...b, consents: { email: 'yes', sms: false, post: false, nightTime: false } }),
      ['consents.email'],
    ],
    [
      'unknown consent channel',
      (b) => ({ ...b, consents: { email: true, sms: false, post: false, nightTime: false, fax: true } }),
      ['consents.fax'],
    ],
    ['e-mail consent without e-mail', ({ email: _, ...rest }) => rest, ['consents.email']],
    [
      'post consent without address',
      ({ postalAddress: _, ...rest }) => ({
        ...rest,
        consents: { email: true, sms: false, post: true, nightTime: false },
      }),
      ['consents.post'],
    ],
    [
      'bad postal code',
      (b) => ({ ...b, postalAddress: { postalCode: '!', address1: 'x' } }),
      ['postalAddress.postalCode'],
    ],
    [
      'unknown address field',
      (b) => ({ ...b, postalAddress: { postalCode: '06236', address1: 'x', floor: 3 } }),
      ['postalAddress.floor'],
    ],
    ['survey with a wrong value', (b) => ({ ...b, survey: { buyingPower: 'infinite' } }), ['survey.buyingPower']],
    ['unknown top-level field', (b) => ({ ...b, isAdmin: true }), ['isAdmin']],
    ['guardian consent not a boolean', (b) => ({ ...b, guardianConsent: 'yes' }), ['guardianConsent']],
  ];

  /** True when a generated value happens to be a valid value for the field, so it would not make the body malformed. */
  function acceptable(field: string, value: unknown): boolean {
    if (value === null || value === undefined) return false;
    switch (field) {
      case 'guardianConsent':
        return typeof value === 'boolean';
      case 'privacyNotice':
        return value === true;
      case 'survey':
        return typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
      case 'name':
        return typeof value === 'string' && value.trim().length > 0 && value.length <= 100;
      case 'timeZone':
        return typeof value === 'string' && isValidTimeZone(value);
      case 'locale':
        return value === 'ko' || value === 'en';
      case 'email':
        return typeof value === 'string' && normaliseEmail(value) !== null;
      case 'phone':
        return typeof value === 'string' && normalisePhone(value) !== null;
      case 'birthday':
      case 'anniversary':
        return typeof value === 'string' && parseMemberDate(value) !== null;
      default:
        return false;
    }
  }

  describe('POST /members validation', () => {
    it.each(cases)('%s → 400', async (_, mutate, paths) => {
      const reply = await post('/members', mutate(base()));
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toBe('application/problem+json');
      const problem = reply.json();
      expect(problem).toMatchObject({
        status: 400,
        title: 'Invalid request',
        type: expect.any(String),
        detail: expect.any(String),
      });
      expect(problem['errors'].map((error: { path: string }) => error.path).sort()).toEqual([...paths].sort());
      for (const error of problem['errors']) expect(error.message).toEqual(expect.any(String));
    });

    it('names every wrong field at once', async () => {
      const reply = await post('/members', { ...base(), name: '', email: 'x', locale: 'xx', extra: 1 });
      expect(
        reply
          .json()
          ['errors'].map((error: { path: string }) => error.path)
          .sort(),
      ).toEqual(['email', 'extra', 'locale', 'name']);
    });

    it('rejects a body that is not JSON, not an object, empty, of another media type or too large', async () => {
      expect((await post('/members', '{"name": ')).status).toBe(400);
      expect((await post('/members', '[1,2]')).status).toBe(400);
      expect((await post('/members', 'null')).status).toBe(400);
      expect((await post('/members', '')).status).toBe(400);
      expect((await post('/members', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
        415,
      );
      const huge = await post('/members', { ...base(), name: 'x'.repeat(20_000) });
      expect(huge.status).toBe(413);
      expect(huge.headers.get('content-type')).toBe('application/problem+json');
    });

    it('answers 400, never 5xx, to 1,000 generated malformed bodies', async () => {
      const wrongValue = fc.oneof(
        fc.constant(null),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.string({ maxLength: 300 }),
        fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
      );
      const fields = [
        'name',
        'email',
        'phone',
        'birthday',
        'anniversary',
        'postalAddress',
        'locale',
        'timeZone',
        'consents',
        'survey',
        'guardianConsent',
        'guardian',
        'privacyNotice',
      ];
      const required = ['name', 'locale', 'consents', 'privacyNotice'];
      const malformed = fc.oneof(
        // A valid body with one field given a value of the wrong type or shape.
        fc
          .record({ field: fc.constantFrom(...fields), value: wrongValue })
          .filter(({ field, value }) => !acceptable(field, value))
          .map(({ field, value }) => JSON.stringify({ ...base(), [field]: value })),
        // A required field dropped.
        fc.constantFrom(...required).map((field) => JSON.stringify({ ...base(), [field]: undefined })),
        // An unknown field added.
        fc
          .record({
            key: fc
              .string({ minLength: 1, maxLength: 20 })
              .filter((key) => !fields.includes(key) && key !== '__proto__'),
            value: fc.anything({ maxDepth: 1 }),
          })
          .map(({ key, value }) => JSON.stringify({ ...base(), [key]: value ?? 1 })),
        // Anything at all that is not an object with the required fields.
        fc.anything({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'undefined'),
        // Broken JSON text.
        fc.string({ maxLength: 200 }).map((text) => `{${text}`),
      );
      const bodies = fc.sample(malformed, { numRuns: 1000, seed: 20261122 });
      expect(bodies).toHaveLength(1000);
      const statuses = new Map<number, number>();
      for (let i = 0; i < bodies.length; i += 25) {
        const replies = await Promise.all(bodies.slice(i, i + 25).map((body) => post('/members', body)));
        for (const reply of replies) {
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          if (reply.status !== 400) console.error('unexpected', reply.status, reply.text.slice(0, 300));
        }
      }
      expect(Object.fromEntries(statuses)).toEqual({ 400: 1000 });
    });
  });
});
