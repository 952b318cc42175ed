// Fixtures of the sending bench and tests: a member who may be mailed, and a one-off e-mail entry that jobs name
// directly (its hour is far ahead, so the dispatcher never fires it).
import type { Member } from '#schema/member';
import type { CalendarEntryInput } from '#schema/calendar';

const AT = '2026-01-05T00:00:00.000Z';

/** Active, e-mail consent confirmed by double opt-in, no other channel. */
export function mailableMember(memberId: string, name: string, email: string): Member {
  const consent = { value: true, at: AT, source: 'fixture', confirmedAt: AT };
  return {
    memberId,
    status: 'active',
    name,
    email,
    locale: 'ko',
    timeZone: 'Asia/Seoul',
    consents: {
      email: consent,
      sms: { ...consent, value: false },
      post: { ...consent, value: false },
      nightTime: { ...consent, value: false },
    },
    enrolledAt: AT,
    source: 'fixture',
    steps: {},
  };
}

/** For every tier, Korean and English, with the unsubscribe link in the body. */
export function oneOffEmailEntry(name: string, advertising: boolean): CalendarEntryInput {
  return {
    name,
    kind: 'custom',
    trigger: { type: 'once', at: '2030-01-01T00:00:00Z' },
    tiers: ['D', 'C', 'B', 'A', 'S'],
    channels: ['email'],
    advertising,
    content: {
      email: {
        ko: {
          subject: '{{name}}님 특가',
          html: '<p>{{name}} {{unsubscribeUrl}}</p>',
          text: '{{name}} {{unsubscribeUrl}}',
        },
        en: {
          subject: 'Sale {{name}}',
          html: '<p>{{name}} {{unsubscribeUrl}}</p>',
          text: '{{name}} {{unsubscribeUrl}}',
        },
      },
    },
  };
}
