// The seed's VIP care programme (000_…txt slide 11) as the default benefit calendar, with welcome and downgrade notice.
import type { CalendarEntryInput } from '#schema/calendar';
import { welcomeMail } from './enrollment-mail.ts';

const ALL = ['D', 'C', 'B', 'A', 'S'];
const VIP = ['A', 'S'];
const mail = (koSubject: string, koBody: string, enSubject: string, enBody: string) => ({
  ko: {
    subject: koSubject,
    html: `<p>${koBody}</p><p><a href="{{unsubscribeUrl}}">수신거부</a></p>`,
    text: `${koBody}\n\n수신거부: {{unsubscribeUrl}}`,
  },
  en: {
    subject: enSubject,
    html: `<p>${enBody}</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>`,
    text: `${enBody}\n\nUnsubscribe: {{unsubscribeUrl}}`,
  },
});
const sms = (ko: string, en: string) => ({ ko: { text: ko }, en: { text: en } });

export const DEFAULT_CALENDAR: readonly (CalendarEntryInput & { id: string })[] = [
  {
    id: 'default-welcome',
    name: 'Welcome',
    kind: 'welcome',
    trigger: { type: 'event', event: 'enrollment_confirmed' },
    tiers: ALL,
    channels: ['email'],
    advertising: false,
    // The welcome that enrollment sends once the e-mail is confirmed, in its editable form.
    content: {
      email: {
        ko: welcomeMail({ locale: 'ko', name: '{{name}}' }),
        en: welcomeMail({ locale: 'en', name: '{{name}}' }),
      },
    },
  },
  {
    id: 'default-vip-entry',
    name: 'A. VIP entry notice',
    kind: 'vip_entry',
    trigger: { type: 'event', event: 'tier_entered' },
    tiers: VIP,
    channels: ['sms', 'email'],
    advertising: true,
    content: {
      sms: sms(
        '{{name}}님, {{tier}} 등급이 되셨습니다. {{couponPercent}}% 쿠폰 {{coupon}}',
        '{{name}}, you are now {{tier}}. {{couponPercent}}% coupon {{coupon}}',
      ),
      email: mail(
        '{{tier}} 등급이 되신 것을 축하드립니다',
        '{{name}}님, {{tier}} 등급 혜택을 안내해 드립니다. 쿠폰 {{coupon}} ({{validUntil}}까지)',
        'Welcome to {{tier}}',
        '{{name}}, here are your {{tier}} benefits. Coupon {{coupon}} until {{validUntil}}.',
      ),
    },
    offer: { percentBy: 'tier', percents: { A: 5, S: 6 }, validityDays: 30 },
  },
  {
    id: 'default-thank-you-event',
    name: 'B. VIP thank-you event',
    kind: 'thank_you_event',
    // Every year on 15 May, 10:00 in the programme's zone (the seed's table of slide 11).
    trigger: { type: 'recurring', every: 'year', month: 5, day: 15, hour: 10 },
    tiers: VIP,
    channels: ['email'],
    advertising: true,
    content: {
      email: mail(
        '{{name}}님을 VIP 감사 행사에 초대합니다',
        '올해의 VIP 감사 행사(문화 공연, 여행 할인)에 초대합니다.',
        'You are invited to our VIP thank-you event',
        'Join our VIP thank-you event: a culture evening and travel discounts.',
      ),
    },
  },
  {
    id: 'default-birthday',
    name: 'C. Birthday',
    kind: 'birthday',
    trigger: { type: 'member_date', field: 'birthday', offsetDays: 0, localHour: 10 },
    tiers: ALL,
    channels: ['sms', 'email'],
    advertising: true,
    content: {
      sms: sms(
        '{{name}}님, 생일을 축하드립니다! 생일 쿠폰 {{coupon}}',
        'Happy birthday, {{name}}! Your coupon: {{coupon}}',
      ),
      email: mail(
        '{{name}}님, 생일 축하드립니다',
        '생일을 진심으로 축하드립니다. 생일 쿠폰 {{coupon}}을 드립니다.',
        'Happy birthday, {{name}}',
        'Happy birthday! Here is your birthday coupon {{coupon}}.',
      ),
    },
    offer: {
      percentBy: 'rfm',
      percents: { occasional: 6, average: 5, frequent: 3, 'most-frequent': 0 },
      validityDays: 30,
    },
  },
  {
    id: 'default-anniversary',
    name: 'C. Wedding anniversary',
    kind: 'anniversary',
    trigger: { type: 'member_date', field: 'anniversary', offsetDays: 0, localHour: 10 },
    tiers: VIP,
    channels: ['sms', 'email'],
    advertising: true,
    content: {
      sms: sms('{{name}}님, 결혼기념일을 축하드립니다!', 'Happy anniversary, {{name}}!'),
      email: mail(
        '{{name}}님, 결혼기념일을 축하드립니다',
        '뜻깊은 날을 축하드립니다.',
        'Happy anniversary, {{name}}',
        'Congratulations on your anniversary.',
      ),
    },
  },
  {
    id: 'default-new-products',
    name: 'D. New (seasonal) products',
    kind: 'new_product',
    trigger: { type: 'recurring', every: 'month', day: 5, hour: 10 },
    tiers: ALL,
    channels: ['email'],
    advertising: true,
    content: {
      email: mail(
        '이달의 신상품',
        '이달의 새로운 상품을 소개합니다.',
        'New this month',
        'Here is what is new this month.',
      ),
    },
  },
  {
    id: 'default-newsletter',
    name: 'E. E-newsletter',
    kind: 'newsletter',
    trigger: { type: 'recurring', every: 'month', day: 15, hour: 10 },
    tiers: ALL,
    channels: ['email'],
    advertising: true,
    content: {
      email: mail(
        '단골 뉴스레터',
        'VIP 인터뷰, 생활 팁, 행사와 설문, 신상품 소식을 전해 드립니다.',
        'The membership newsletter',
        'VIP interviews, tips, events, surveys and new products.',
      ),
    },
  },
  {
    id: 'default-quarterly-magazine',
    name: 'E. Quarterly magazine (post, VIP only)',
    kind: 'quarterly_mailing',
    trigger: { type: 'recurring', every: 'quarter', day: 1, hour: 10 },
    tiers: VIP,
    channels: ['post'],
    advertising: true,
    content: { post: { ko: { title: '단골 VIP 계간지' }, en: { title: 'The VIP quarterly' } } },
  },
  {
    id: 'default-tier-downgrade-notice',
    name: 'Tier downgrade notice',
    kind: 'tier_downgrade_notice',
    trigger: { type: 'event', event: 'tier_downgrade_due' },
    tiers: ['C', 'B', 'A', 'S'],
    channels: ['email', 'sms'],
    advertising: false,
    content: {
      email: mail(
        '{{tier}} 등급 유지 안내',
        '{{keepBy}}까지 {{deltaToRetain}}원을 더 구매하시면 {{tier}} 등급이 유지됩니다.',
        'Keeping your {{tier}} tier',
        'Spend {{deltaToRetain}} more by {{keepBy}} to keep {{tier}}.',
      ),
      sms: sms(
        '{{keepBy}}까지 {{deltaToRetain}}원 더 구매 시 {{tier}} 등급 유지',
        'Spend {{deltaToRetain}} more by {{keepBy}} to keep {{tier}}',
      ),
    },
  },
];

/** Added to the default calendar after the first release: seeded once behind their own marker (`SEEDED#v2`). */
export const DEFAULT_CALENDAR_ADDITIONS: readonly (CalendarEntryInput & { id: string })[] = [
  {
    id: 'default-consent-renewal',
    name: 'Two-yearly consent notice',
    kind: 'consent_renewal',
    trigger: { type: 'event', event: 'consent_renewal_due' },
    tiers: ALL,
    channels: ['email'],
    advertising: false,
    content: {
      email: {
        ko: {
          subject: '[단골] 수신동의 현황 안내',
          html: '<p>{{name}}님은 {{consentDate}}에 {{consentChannels}} 수신에 동의하셨습니다.</p><p>수신을 원하지 않으시면 <a href="{{unsubscribeUrl}}">수신거부</a>를 눌러 주세요.</p>',
          text: '{{name}}님은 {{consentDate}}에 {{consentChannels}} 수신에 동의하셨습니다.\n수신거부: {{unsubscribeUrl}}',
        },
        en: {
          subject: 'Your consents with dangol',
          html: '<p>{{name}}, on {{consentDate}} you agreed to receive {{consentChannels}} from us.</p><p>To stop, <a href="{{unsubscribeUrl}}">unsubscribe</a>.</p>',
          text: '{{name}}, on {{consentDate}} you agreed to receive {{consentChannels}} from us.\nUnsubscribe: {{unsubscribeUrl}}',
        },
      },
    },
  },
];

/** The third release of defaults: the yearly thanks on the day a member joined. */
export const DEFAULT_CALENDAR_RELEASE_3: readonly (CalendarEntryInput & { id: string })[] = [
  {
    id: 'default-enrollment-anniversary',
    name: 'C. Membership anniversary',
    kind: 'enrollment_anniversary',
    trigger: { type: 'member_date', field: 'enrolledAt', offsetDays: 0, localHour: 10 },
    tiers: ALL,
    channels: ['email'],
    advertising: true,
    content: {
      email: mail(
        '{{name}}님, 단골이 되어 주셔서 감사합니다',
        '멤버십에 가입하신 날을 맞아 감사의 마음을 전합니다.',
        'Thank you for another year with us, {{name}}',
        'It is the day you joined the membership: thank you for staying with us.',
      ),
    },
  },
];

/** The default programme's welcome: what a member gets while the default calendar has not been seeded yet. */
/**
 * The fourth release: the welcome by SMS, for a member who hears from us by SMS only (no e-mail consent), sent at the
 * first hourly dispatch after the phone is verified. Its own entry, so that marketing edits each channel's welcome
 * apart.
 */
export const DEFAULT_CALENDAR_RELEASE_4: readonly (CalendarEntryInput & { id: string })[] = [
  {
    id: 'default-welcome-sms',
    name: 'Welcome by SMS',
    kind: 'welcome',
    trigger: { type: 'event', event: 'enrollment_confirmed' },
    tiers: ALL,
    channels: ['sms'],
    advertising: false,
    content: {
      sms: sms(
        '{{name}}님, 단골 회원이 되신 것을 환영합니다. 등급과 혜택: {{memberPageUrl}}',
        'Welcome, {{name}}! Your tier and benefits: {{memberPageUrl}}',
      ),
    },
  },
];

export const DEFAULT_WELCOME = DEFAULT_CALENDAR.find((entry) => entry.id === 'default-welcome') as CalendarEntryInput;
