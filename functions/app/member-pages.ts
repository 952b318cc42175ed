// The members' page as HTML (Korean or English, no JavaScript needed, a 360 px phone first): the sign-in form, the
// link's button, and the page itself with its consent form. Every change is a form POST carrying the CSRF token.
import { escapeHtml } from '#domain/templates';
import type { LinkProblem, MemberPageView } from './member-page.ts';

type Locale = 'ko' | 'en';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}' +
  'h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}label{display:block;margin:.5rem 0 .25rem}' +
  'input[type=email],input[type=tel],input[type=text],input[type=date],select{width:100%;max-width:24rem;padding:.5rem;font-size:1rem;border:1px solid #555;box-sizing:border-box}' +
  '[role=alert]{color:#b3261e;margin:.25rem 0}' +
  'button{padding:.6rem 1rem;font-size:1rem;background:#0b57d0;color:#fff;border:0;border-radius:4px;cursor:pointer}' +
  'button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #e37400;outline-offset:2px}' +
  '.secondary{background:#fff;color:#0b57d0;border:1px solid #0b57d0}table{border-collapse:collapse;width:100%}' +
  'th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ccc}fieldset{border:1px solid #999;padding:.75rem}' +
  '.check{display:flex;gap:.5rem;align-items:center}.check label{margin:0}.notice{background:#e8f0fe;padding:.75rem}' +
  '.meter{height:.75rem;background:#ddd;border-radius:.4rem;overflow:hidden}.meter>span{display:block;height:100%;background:#0b57d0}';

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

const SIGN_IN = {
  ko: {
    title: '회원 페이지 로그인',
    intro: '가입하신 이메일 주소나 휴대폰 번호를 입력하시면 로그인 링크를 보내드립니다. 비밀번호는 필요 없습니다.',
    email: '이메일 주소',
    phone: '또는 휴대폰 번호',
    send: '로그인 링크 받기',
    sent: '회원으로 확인된 연락처라면 곧 로그인 링크가 도착합니다. 링크는 15분 동안 한 번 쓸 수 있습니다.',
    invalid: '이 로그인 링크는 올바르지 않습니다. 새 링크를 받아 주세요.',
    expired: '로그인 링크가 만료되었습니다(15분). 새 링크를 받아 주세요.',
    used: '이 로그인 링크는 이미 사용되었습니다. 새 링크를 받아 주세요.',
    signedOut: '로그아웃되었습니다.',
    button: '로그인',
    ask: '아래 버튼을 누르시면 회원 페이지에 로그인합니다.',
  },
  en: {
    title: 'Sign in to your member page',
    intro: 'Enter the e-mail address or phone number you joined with and we will send you a sign-in link. No password.',
    email: 'E-mail address',
    phone: 'Or phone number',
    send: 'Send me a sign-in link',
    sent: 'If this is a member’s confirmed contact, a sign-in link is on its way. It works once, for 15 minutes.',
    invalid: 'This sign-in link is not valid. Ask for a new one below.',
    expired: 'This sign-in link has expired (after 15 minutes). Ask for a new one below.',
    used: 'This sign-in link was used already. Ask for a new one below.',
    signedOut: 'You are signed out.',
    button: 'Sign in',
    ask: 'Press the button below to sign in to your member page.',
  },
} as const;

/** The sign-in form, with what happened before it (a link sent, a link that did not work, signed out). */
export function signInPage(locale: Locale, state: 'form' | 'sent' | 'signed-out' | LinkProblem): string {
  const t = SIGN_IN[locale];
  const message = state === 'form' ? '' : state === 'signed-out' ? t.signedOut : state === 'sent' ? t.sent : t[state];
  return page(
    locale,
    t.title,
    `${message ? `<p class="notice" role="status">${escapeHtml(message)}</p>` : ''}<p>${escapeHtml(t.intro)}</p>
<form method="post" action="/me/sign-in?lang=${locale}">
<label for="email">${escapeHtml(t.email)}</label><input id="email" name="email" type="email" autocomplete="email">
<label for="phone">${escapeHtml(t.phone)}</label><input id="phone" name="phone" type="tel" autocomplete="tel">
<p><button type="submit">${escapeHtml(t.send)}</button></p></form>`,
  );
}

/** The link's page: one button (a POST of the token) that signs in. */
export function signInLinkPage(locale: Locale, token: string): string {
  const t = SIGN_IN[locale];
  return page(
    locale,
    t.title,
    `<p>${escapeHtml(t.ask)}</p><form method="post" action="/me/session?lang=${locale}"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">${escapeHtml(t.button)}</button></form>`,
  );
}

const HOME = {
  ko: {
    title: (name: string) => `${name}님의 멤버십`,
    tier: '현재 등급',
    spend: (amount: string, count: number) => `최근 12개월 구매: ${amount}원, ${count}회`,
    next: (name: string, amount: string) => `${name} 등급까지 ${amount}원 남았습니다.`,
    top: '가장 높은 등급입니다.',
    keep: (date: string, amount: string) =>
      amount === '0' ? `${date}까지 등급이 유지됩니다.` : `${date}까지 ${amount}원을 더 구매하시면 등급이 유지됩니다.`,
    history: '등급 변경 내역',
    none: '아직 없습니다.',
    reason: {
      purchase: '구매로 올라감',
      review: '정기 심사',
      'refund-review': '환불 후 심사',
      manual: '관리자 조정',
      merge: '회원 정보 통합',
    } as Record<string, string>,
    benefits: '이 등급의 혜택',
    coupons: '사용 가능한 쿠폰',
    until: '까지',
    consents: '수신 동의',
    channels: { email: '이메일', sms: '문자(SMS)', post: '우편', nightTime: '야간(21시~8시) 광고 문자' } as Record<
      string,
      string
    >,
    given: (source: string, at: string) => `동의함 (${source}, ${at})`,
    refused: (source: string, at: string) => `동의 안 함 (${source}, ${at})`,
    pending: '확인 메일의 링크를 기다리는 중',
    save: '수신 동의 저장',
    emailNote:
      '이메일 수신을 다시 선택하시면 확인 메일을 보내드립니다. 메일의 링크를 누르신 뒤부터 받으실 수 있습니다.',
    data: '내 정보 내려받기 (JSON)',
    signOut: '로그아웃',
    saved: '저장되었습니다.',
    profile: '내 정보',
    name: '이름',
    birthday: '생일',
    birthdayNote: '생일은 1년에 한 번만 바꿀 수 있습니다.',
    anniversary: '결혼기념일',
    language: '언어',
    zone: '시간대 (예: Asia/Seoul)',
    saveProfile: '내 정보 저장',
    when: '일시',
    change: '변경',
    why: '사유',
    postalCode: '우편번호',
    address1: '주소',
    address2: '상세 주소',
    addressNote: '우편 수신에 쓰입니다. 세 칸을 모두 비우시면 주소가 삭제됩니다.',
    contacts: '이메일·휴대폰 변경',
    contactsIntro: (email: string, phone: string) =>
      `지금 쓰시는 연락처: 이메일 ${email || '없음'}, 휴대폰 ${phone || '없음'}. 새 연락처로 확인 링크를 보내드리며, 링크를 누르시기 전까지는 지금 연락처를 그대로 씁니다.`,
    newEmail: '새 이메일 주소',
    newPhone: '또는 새 휴대폰 번호',
    sendContact: '확인 링크 보내기',
    contactSent: (where: string) =>
      `${where}(으)로 확인 링크를 보냈습니다. 60분 안에 링크를 누르시면 연락처가 바뀌고, 이전 연락처에 알려드립니다.`,
    fix: '입력 내용을 확인해 주세요.',
  },
  en: {
    title: (name: string) => `${name}’s membership`,
    tier: 'Your tier',
    spend: (amount: string, count: number) =>
      `Last 12 months: KRW ${amount}, ${count} ${count === 1 ? 'purchase' : 'purchases'}`,
    next: (name: string, amount: string) => `KRW ${amount} more to reach ${name}.`,
    top: 'You are in the highest tier.',
    keep: (date: string, amount: string) =>
      amount === '0' ? `Your tier is kept until ${date}.` : `Spend KRW ${amount} more by ${date} to keep your tier.`,
    history: 'Tier history',
    none: 'Nothing yet.',
    reason: {
      purchase: 'Up after a purchase',
      review: 'Monthly review',
      'refund-review': 'Review after a refund',
      manual: 'Set by staff',
      merge: 'Two memberships joined',
    } as Record<string, string>,
    benefits: 'Benefits of this tier',
    coupons: 'Coupons you can use',
    until: 'until',
    consents: 'What you receive',
    channels: {
      email: 'E-mail',
      sms: 'Text messages (SMS)',
      post: 'Post',
      nightTime: 'Advertising SMS at night (21:00–08:00)',
    } as Record<string, string>,
    given: (source: string, at: string) => `Yes (${source}, ${at})`,
    refused: (source: string, at: string) => `No (${source}, ${at})`,
    pending: 'waiting for the confirmation mail’s link',
    save: 'Save my choices',
    emailNote: 'Choosing e-mail again sends you a confirmation mail: e-mail starts once you follow its link.',
    data: 'Download my data (JSON)',
    signOut: 'Sign out',
    saved: 'Saved.',
    profile: 'Your details',
    name: 'Name',
    birthday: 'Birthday',
    birthdayNote: 'The birthday can change once a year.',
    anniversary: 'Wedding anniversary',
    language: 'Language',
    zone: 'Time zone (e.g. Asia/Seoul)',
    saveProfile: 'Save my details',
    when: 'When',
    change: 'Change',
    why: 'Why',
    postalCode: 'Postal code',
    address1: 'Address',
    address2: 'Address line 2',
    addressNote: 'Used for post. Leave all three empty to remove the address.',
    contacts: 'Change your e-mail or phone',
    contactsIntro: (email: string, phone: string) =>
      `In use now: e-mail ${email || 'none'}, phone ${phone || 'none'}. We send a link to the new one; the current one stays in use until you follow it.`,
    newEmail: 'New e-mail address',
    newPhone: 'Or new phone number',
    sendContact: 'Send the confirmation link',
    contactSent: (where: string) =>
      `A confirmation link went to ${where}. Follow it within 60 minutes and it becomes your contact; we will tell the old one.`,
    fix: 'Please check what you entered.',
  },
} as const;

const money = (value: number) => value.toLocaleString('en-US');

/** Where a consent came from, in words. */
const SOURCES: Record<Locale, Record<string, string>> = {
  ko: {
    'join-form': '가입 양식',
    member: '회원 페이지',
    'double-opt-in': '확인 메일',
    'one-click': '수신 거부 링크',
    'unsubscribe-page': '수신 거부 페이지',
    'ses-complaint': '스팸 신고',
    admin: '관리자',
  },
  en: {
    'join-form': 'the join form',
    member: 'your page',
    'double-opt-in': 'the confirmation mail',
    'one-click': 'an unsubscribe link',
    'unsubscribe-page': 'the unsubscribe page',
    'ses-complaint': 'a spam report',
    admin: 'our staff',
  },
};
const day = (iso: string) => iso.slice(0, 10);

/** The page itself: tier and progress, history, benefits, coupons, consents (a form), data, sign-out. */
export function memberHomePage(
  view: MemberPageView,
  csrf: string,
  notice?: 'saved' | 'contact-sent',
  problem?: { readonly form: 'consents' | 'profile' | 'contacts'; readonly errors: FieldErrors },
): string {
  const errorsOf = (form: 'consents' | 'profile' | 'contacts') => (problem?.form === form ? problem.errors : []);
  const locale = view.locale;
  const t = HOME[locale];
  const { progress } = view;
  const tierName = progress.tier.name[locale] || progress.tier.code;
  const percent = progress.next
    ? Math.min(
        100,
        Math.round((progress.spend12Months / (progress.spend12Months + progress.next.spendNeeded || 1)) * 100),
      )
    : 100;
  const history =
    view.history.length === 0
      ? `<p>${t.none}</p>`
      : `<table><thead><tr><th scope="col">${t.when}</th><th scope="col">${t.change}</th><th scope="col">${t.why}</th></tr></thead><tbody>${view.history
          .map(
            (entry) =>
              `<tr><td>${escapeHtml(day(entry.at))}</td><td>${escapeHtml(entry.from)} → ${escapeHtml(entry.to)}</td><td>${escapeHtml(t.reason[entry.reason] ?? entry.reason)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const benefits =
    view.benefits.length === 0
      ? `<p>${t.none}</p>`
      : `<ul>${view.benefits.map((benefit) => `<li>${escapeHtml(benefit.name)}</li>`).join('')}</ul>`;
  const coupons =
    view.coupons.length === 0
      ? `<p>${t.none}</p>`
      : `<ul>${view.coupons
          .map(
            (coupon) =>
              `<li><strong>${escapeHtml(coupon.code)}</strong> — ${coupon.percent ? `${coupon.percent}%` : `KRW ${money(coupon.amount ?? 0)}`}, ${t.until} ${escapeHtml(day(coupon.validUntil))}</li>`,
          )
          .join('')}</ul>`;
  const consentRows = view.consents
    .map((consent) => {
      const id = `consent-${consent.channel}`;
      const source = SOURCES[locale][consent.source] ?? consent.source;
      const state = consent.value ? t.given(source, day(consent.at)) : t.refused(source, day(consent.at));
      return `<div class="check"><input type="checkbox" id="${id}" name="${consent.channel}" value="true"${consent.value ? ' checked' : ''} aria-describedby="${id}-state"><label for="${id}">${escapeHtml(t.channels[consent.channel] ?? consent.channel)}</label></div><p id="${id}-state"><small>${escapeHtml(state)}${consent.pending ? ` — ${t.pending}` : ''}</small></p>`;
    })
    .join('');
  const pending = view.pendingContact;
  const noticeText =
    notice === 'saved' ? t.saved : notice === 'contact-sent' && pending ? t.contactSent(pending.value) : undefined;
  const body = `${noticeText ? `<p class="notice" role="status">${escapeHtml(noticeText)}</p>` : ''}
<section aria-labelledby="tier"><h2 id="tier">${t.tier}: ${escapeHtml(tierName)}</h2>
<p>${escapeHtml(t.spend(money(progress.spend12Months), progress.purchases12Months))}</p>
${progress.next ? `<div class="meter" role="img" aria-label="${percent}%"><span style="width:${percent}%"></span></div><p>${escapeHtml(t.next(progress.next.name[locale] || progress.next.code, money(progress.next.spendNeeded)))}</p>` : `<p>${t.top}</p>`}
${progress.keep ? `<p>${escapeHtml(t.keep(day(progress.keep.until), money(progress.keep.spendNeeded)))}</p>` : ''}</section>
<section aria-labelledby="history"><h2 id="history">${t.history}</h2>${history}</section>
<section aria-labelledby="benefits"><h2 id="benefits">${t.benefits}</h2>${benefits}</section>
<section aria-labelledby="coupons"><h2 id="coupons">${t.coupons}</h2>${coupons}</section>
<section aria-labelledby="consents"><h2 id="consents">${t.consents}</h2>
<form method="post" action="/me/consents"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="form" value="consents">
${formAlert(locale, errorsOf('consents'), [])}<fieldset><legend>${t.consents}</legend>${consentRows}</fieldset><p><small>${t.emailNote}</small></p>
<p><button type="submit">${t.save}</button></p></form></section>
${profileForm(view, csrf, errorsOf('profile'))}
${contactForm(view, csrf, errorsOf('contacts'))}
<p><a href="/me/data">${t.data}</a></p>
<form method="post" action="/me/sign-out"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><button type="submit" class="secondary">${t.signOut}</button></form>
${erasureSection(locale, csrf)}`;
  return page(locale, t.title(view.name), body);
}

const ERASE = {
  ko: {
    title: '회원 탈퇴',
    intro:
      '탈퇴하시면 이름, 연락처, 생일, 주소, 수신 동의와 등급 정보가 삭제됩니다. 법이 정한 거래 기록만 누구인지 알 수 없게 남습니다.',
    button: '탈퇴 확인 링크 받기',
    sent: '확인 링크를 보내드렸습니다. 링크의 페이지에서 확인하시면 탈퇴됩니다(60분간 유효).',
    ask: '아래 버튼을 누르시면 멤버십과 개인정보가 삭제됩니다. 되돌릴 수 없습니다.',
    confirm: '탈퇴하고 정보 삭제하기',
    done: '탈퇴가 완료되었습니다. 개인정보가 삭제되었습니다.',
  },
  en: {
    title: 'Delete my membership',
    intro:
      'Deleting your membership erases your name, contacts, birthday, address, consents and tier. Only the purchase records the law requires stay, with nothing that says whose they were.',
    button: 'Send me the link that confirms it',
    sent: 'We sent you a link. Confirm on its page and your membership is deleted (the link works for 60 minutes).',
    ask: 'Press the button below to delete your membership and your personal data. This cannot be undone.',
    confirm: 'Delete my membership and data',
    done: 'Your membership is deleted, and your personal data with it.',
  },
} as const;

/** The home page's section: asking for the link that confirms erasure. */
export function erasureSection(locale: Locale, csrf: string): string {
  const t = ERASE[locale];
  return `<section aria-labelledby="erase"><h2 id="erase">${t.title}</h2><p>${escapeHtml(t.intro)}</p>
<form method="post" action="/me/erasure"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><button type="submit" class="secondary">${t.button}</button></form></section>`;
}

/** The erasure pages: the link sent, the link's page with its button, done. */
export function erasurePage(locale: Locale, state: 'sent' | 'done' | { ask: string }): string {
  const t = ERASE[locale];
  if (typeof state === 'object')
    return page(
      locale,
      t.title,
      `<p>${escapeHtml(t.ask)}</p><form method="post" action="/me/erase?lang=${locale}"><input type="hidden" name="token" value="${escapeHtml(state.ask)}"><button type="submit">${t.confirm}</button></form>`,
    );
  return page(locale, t.title, `<p class="notice" role="status">${escapeHtml(state === 'sent' ? t.sent : t.done)}</p>`);
}

type FieldErrors = readonly { path: string; message: string }[];

/** A labelled input of a form, with its note and its error (announced) next to it, tied by `aria-describedby`. */
function fieldsOf(form: string, errors: FieldErrors) {
  return (name: string, label: string, input: string, note?: string) => {
    const id = `${form}-${name}`;
    const error = errors.find((found) => found.path === name)?.message;
    const described = [note && `${id}-note`, error && `${id}-error`].filter(Boolean).join(' ');
    return `<label for="${id}">${escapeHtml(label)}</label>${input.replace(
      '<input',
      `<input id="${id}"${described ? ` aria-describedby="${described}"` : ''}${error ? ' aria-invalid="true"' : ''}`,
    )}${note ? `<p id="${id}-note"><small>${escapeHtml(note)}</small></p>` : ''}${error ? `<p id="${id}-error" role="alert">${escapeHtml(error)}</p>` : ''}`;
  };
}

/** Errors of a form that belong to no field of it, announced at its top. */
function formAlert(locale: Locale, errors: FieldErrors, fields: readonly string[]): string {
  const loose = errors.filter((error) => !fields.includes(error.path));
  if (loose.length === 0) return '';
  return `<div role="alert"><p>${HOME[locale].fix}</p><ul>${loose.map((error) => `<li>${escapeHtml(error.message)}</li>`).join('')}</ul></div>`;
}

/** The profile's error paths as its form's field names (the address is nested in the API). */
const profileFieldOf = (path: string) =>
  path.startsWith('postalAddress.') ? path.slice('postalAddress.'.length) : path;

/** The profile form: each field labelled, its error (if any) next to it and announced. */
function profileForm(view: MemberPageView, csrf: string, errors: FieldErrors): string {
  const t = HOME[view.locale];
  const mapped = errors.map((error) => ({ ...error, path: profileFieldOf(error.path) }));
  const field = fieldsOf('profile', mapped);
  const iso = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '');
  const address = view.profile.postalAddress;
  return `<section aria-labelledby="profile"><h2 id="profile">${t.profile}</h2>
<form method="post" action="/me/profile"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
${formAlert(view.locale, mapped, ['name', 'birthday', 'anniversary', 'postalCode', 'address1', 'address2', 'timeZone'])}
${field('name', t.name, `<input name="name" type="text" autocomplete="name" required value="${escapeHtml(view.name)}">`)}
${field('birthday', t.birthday, `<input name="birthday" type="date" autocomplete="bday" value="${iso(view.profile.birthday)}">`, t.birthdayNote)}
${field('anniversary', t.anniversary, `<input name="anniversary" type="date" value="${iso(view.profile.anniversary)}">`)}
<fieldset><legend>${t.address1}</legend>
${field('postalCode', t.postalCode, `<input name="postalCode" type="text" autocomplete="postal-code" inputmode="numeric" value="${escapeHtml(address?.postalCode ?? '')}">`, t.addressNote)}
${field('address1', t.address1, `<input name="address1" type="text" autocomplete="address-line1" value="${escapeHtml(address?.address1 ?? '')}">`)}
${field('address2', t.address2, `<input name="address2" type="text" autocomplete="address-line2" value="${escapeHtml(address?.address2 ?? '')}">`)}
</fieldset>
<label for="profile-locale">${t.language}</label><select id="profile-locale" name="locale"><option value="ko"${view.locale === 'ko' ? ' selected' : ''}>한국어</option><option value="en"${view.locale === 'en' ? ' selected' : ''}>English</option></select>
${field('timeZone', t.zone, `<input name="timeZone" type="text" required value="${escapeHtml(view.profile.timeZone)}">`)}
<p><button type="submit">${t.saveProfile}</button></p></form></section>`;
}

/** A new e-mail or phone: a form that sends a link to it (the current one stays until the link is followed). */
function contactForm(view: MemberPageView, csrf: string, errors: FieldErrors): string {
  const t = HOME[view.locale];
  const field = fieldsOf('contact', errors);
  return `<section aria-labelledby="contacts"><h2 id="contacts">${t.contacts}</h2>
<p>${escapeHtml(t.contactsIntro(view.contacts.email ?? '', view.contacts.phone ?? ''))}</p>
<form method="post" action="/me/contacts"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
${formAlert(view.locale, errors, ['email', 'phone'])}
${field('email', t.newEmail, '<input name="email" type="email" autocomplete="email">')}
${field('phone', t.newPhone, '<input name="phone" type="tel" autocomplete="tel">')}
<p><button type="submit">${t.sendContact}</button></p></form></section>`;
}

const CONTACT = {
  ko: {
    title: '연락처 변경',
    ask: '아래 버튼을 누르시면 이 연락처가 멤버십 연락처가 됩니다. 이전 연락처에는 변경 사실을 알려드립니다.',
    button: '이 연락처로 바꾸기',
    done: '연락처가 바뀌었습니다.',
  },
  en: {
    title: 'Change of contact',
    ask: 'Press the button below to make this your membership contact. We will tell the old one.',
    button: 'Use this contact',
    done: 'Your contact is changed.',
  },
} as const;

/** The new contact's link page (one button), and the page after it. */
export function contactChangePage(locale: Locale, state: 'done' | { ask: string }): string {
  const t = CONTACT[locale];
  if (typeof state === 'object')
    return page(
      locale,
      t.title,
      `<p>${escapeHtml(t.ask)}</p><form method="post" action="/me/contacts/confirm?lang=${locale}"><input type="hidden" name="token" value="${escapeHtml(state.ask)}"><button type="submit">${t.button}</button></form>`,
    );
  return page(
    locale,
    t.title,
    `<p class="notice" role="status">${t.done}</p><p><a href="/me">${locale === 'ko' ? '회원 페이지' : 'Your member page'}</a></p>`,
  );
}
