// The page a person sees after following a verification link: the double opt-in mail's, or the phone's SMS.
import type { Locale } from '#schema/common';
import { escapeHtml } from '#domain/templates';

type Outcome = 'ask' | 'confirmed' | 'confirmed-again' | 'invalid' | 'failed';

type Contact = 'email' | 'phone' | 'guardian';

const BUTTON: Record<Contact, Record<Locale, string>> = {
  email: { ko: '이메일 확인하기', en: 'Confirm my e-mail address' },
  phone: { ko: '휴대폰 번호 확인하기', en: 'Confirm my phone number' },
  guardian: { ko: '가입에 동의합니다', en: 'I agree to this membership' },
};

/** The guardian's pages (PIPA §22-2: a child under 14 joins only with the legal guardian's consent). */
const GUARDIAN_TEXT: Record<Locale, Partial<Record<Outcome, [string, string]>>> = {
  ko: {
    ask: [
      '법정대리인 동의',
      '만 14세 미만 자녀의 멤버십 가입에 법정대리인으로서 동의하시면 아래 버튼을 눌러 주세요. 동의하지 않으시면 가입은 완료되지 않습니다.',
    ],
    confirmed: ['동의해 주셔서 감사합니다', '자녀의 멤버십이 활성화되었습니다.'],
  },
  en: {
    ask: [
      'Consent of the legal guardian',
      'As the legal guardian of a child under 14, press the button below to agree to their membership. Without it the membership is not completed.',
    ],
    confirmed: ['Thank you for your consent', 'The child’s membership is now active.'],
  },
};

/** The phone's pages, where they differ from the e-mail's. */
const PHONE_TEXT: Record<Locale, Partial<Record<Outcome, [string, string]>>> = {
  ko: {
    ask: ['휴대폰 번호를 확인해 주세요', '아래 버튼을 누르시면 이 번호가 회원님의 번호로 확인됩니다.'],
    confirmed: ['휴대폰 번호가 확인되었습니다', '동의하신 경우 이제 멤버십 소식을 문자로 받으실 수 있습니다.'],
  },
  en: {
    ask: ['Confirm your phone number', 'Press the button below to confirm that this number is yours.'],
    confirmed: [
      'Your phone number is confirmed',
      'If you agreed to text messages, you will now receive membership news by SMS.',
    ],
  },
};

const TEXT: Record<Locale, Record<Outcome, [string, string]>> = {
  ko: {
    ask: ['이메일 주소를 확인해 주세요', '아래 버튼을 누르시면 멤버십 이메일 수신이 확인됩니다.'],
    confirmed: [
      '이메일이 확인되었습니다',
      '환영 메일을 보내드렸습니다. 이제 멤버십 소식을 이메일로 받으실 수 있습니다.',
    ],
    'confirmed-again': ['이메일 수신이 다시 켜졌습니다', '이제부터 멤버십 소식을 다시 이메일로 받으십니다.'],
    invalid: ['링크가 올바르지 않거나 만료되었습니다', '가입 양식에서 다시 신청하시면 새 확인 메일을 보내드립니다.'],
    failed: ['잠시 후 다시 시도해 주세요', '일시적인 문제로 확인하지 못했습니다.'],
  },
  en: {
    ask: ['Confirm your e-mail address', 'Press the button below to confirm that you want membership e-mail.'],
    confirmed: [
      'Your e-mail address is confirmed',
      'We have sent you a welcome mail. From now on you will receive membership news by e-mail.',
    ],
    'confirmed-again': ['E-mail is on again', 'From now on you receive membership news by e-mail again.'],
    invalid: [
      'This link is not valid or has expired',
      'Enroll again through the form and we will send you a new confirmation mail.',
    ],
    failed: ['Please try again later', 'A temporary problem kept us from confirming your address.'],
  },
};

/** The confirmation link's pages: `ask` carries the one button (a POST of the token) that confirms. */
export function confirmationPage(locale: Locale, outcome: Outcome, token?: string, contact: Contact = 'email'): string {
  const own = { email: undefined, phone: PHONE_TEXT, guardian: GUARDIAN_TEXT }[contact];
  const text = (lang: Locale) => own?.[lang][outcome] ?? TEXT[lang][outcome];
  const [title, line] = text(locale);
  const other = locale === 'ko' && outcome !== 'ask' ? text('en') : null;
  const form =
    outcome === 'ask' && token
      ? `<form method="post" action="/members/confirm"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">${BUTTON[contact][locale]}</button></form>`
      : '';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><main><h1>${title}</h1><p>${line}</p>${form}${other ? `<hr><p lang="en"><strong>${other[0]}</strong><br>${other[1]}</p>` : ''}${outcome === 'confirmed-again' ? `<p><a href="/me">${locale === 'ko' ? '회원 페이지' : 'Your member page'}</a></p>` : `<p><a href="/join">${locale === 'ko' ? '가입 양식' : 'Enrollment form'}</a></p>`}</main></body></html>`;
}
