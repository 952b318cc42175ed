// The transactional mails of enrollment, per locale: the double opt-in confirmation, the welcome, and the answer
// to someone who enrolls again with the address of an existing member.
import type { CalendarEntryInput } from '#schema/calendar';
import type { Locale } from '#schema/common';
import { escapeHtml, render } from './templates.ts';

export interface RenderedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

function layout(locale: Locale, title: string, paragraphs: string[], action?: { label: string; url: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const button = action
    ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:12px 20px;background:#1f4e79;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(action.label)}</a></p>\n<p style="font-size:12px;color:#555">${escapeHtml(action.url)}</p>`
    : '';
  return `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body style="font-family:sans-serif;line-height:1.6">\n<h1 style="font-size:20px">${escapeHtml(title)}</h1>\n${body}\n${button}\n</body></html>`;
}

export function confirmationMail(input: {
  locale: Locale;
  name: string;
  confirmUrl: string;
  validDays: number;
  /** Whether the member agreed to marketing e-mail (the address is verified either way). */
  consented?: boolean;
}): RenderedMail {
  const consented = input.consented ?? true;
  if (input.locale === 'ko') {
    const title = '이메일 주소를 확인해 주세요';
    const lines = [
      `${input.name}님, 단골 멤버십에 가입해 주셔서 감사합니다.`,
      `${consented ? '이메일 수신에 동의하셨습니다. ' : ''}아래 버튼을 눌러 이메일 주소를 확인해 주세요. 링크는 ${input.validDays}일 동안 유효합니다.`,
      '본인이 가입하지 않으셨다면 이 메일을 무시하셔도 됩니다. 확인하지 않으면 이메일은 발송되지 않습니다.',
    ];
    return {
      subject: '[단골] 이메일 수신 동의를 확인해 주세요',
      html: layout('ko', title, lines, { label: '이메일 확인하기', url: input.confirmUrl }),
      text: `${title}\n\n${lines.join('\n\n')}\n\n${input.confirmUrl}\n`,
    };
  }
  const title = 'Please confirm your e-mail address';
  const lines = [
    `${input.name}, thank you for joining the membership.`,
    `${consented ? 'You agreed to receive e-mail from us. ' : ''}Please confirm your address with the button below; the link is valid for ${input.validDays} days.`,
    'If you did not sign up, ignore this message: without confirmation we will not e-mail you.',
  ];
  return {
    subject: 'Please confirm your e-mail address',
    html: layout('en', title, lines, { label: 'Confirm my e-mail', url: input.confirmUrl }),
    text: `${title}\n\n${lines.join('\n\n')}\n\n${input.confirmUrl}\n`,
  };
}

export function welcomeMail(input: { locale: Locale; name: string }): RenderedMail {
  if (input.locale === 'ko') {
    const title = `${input.name}님, 환영합니다`;
    const lines = [
      '이메일 주소가 확인되었습니다. 이제 멤버십 소식과 혜택을 이메일로 받아보실 수 있습니다.',
      '구매 금액에 따라 등급이 올라가며, 등급별 혜택과 생일 축하 메시지를 보내드립니다.',
      '수신을 원하지 않으시면 언제든지 메일 하단의 수신거부 링크로 철회하실 수 있습니다.',
    ];
    return {
      subject: '[단골] 멤버십 가입을 환영합니다',
      html: layout('ko', title, lines),
      text: `${title}\n\n${lines.join('\n\n')}\n`,
    };
  }
  const title = `Welcome, ${input.name}`;
  const lines = [
    'Your e-mail address is confirmed. From now on you will receive membership news and benefits by e-mail.',
    'Your tier rises with your purchases; each tier has its own benefits, and we will greet you on your birthday.',
    'You can withdraw at any time with the unsubscribe link at the bottom of our mails.',
  ];
  return {
    subject: 'Welcome to the membership',
    html: layout('en', title, lines),
    text: `${title}\n\n${lines.join('\n\n')}\n`,
  };
}

/** To an existing member who enrolled again: no second membership, a way to sign in instead. */
export function alreadyMemberMail(input: { locale: Locale; name: string; signInUrl: string }): RenderedMail {
  if (input.locale === 'ko') {
    const title = '이미 멤버십 회원이십니다';
    const lines = [
      `${input.name}님, 이 이메일 주소로 가입 신청이 다시 접수되었습니다. 이미 회원이시므로 새로 가입하실 필요가 없습니다.`,
      '아래 링크로 로그인하시면 등급과 혜택, 수신 동의를 확인하실 수 있습니다.',
      '본인이 신청하지 않으셨다면 이 메일을 무시하셔도 됩니다. 아무것도 바뀌지 않았습니다.',
    ];
    return {
      subject: '[단골] 이미 멤버십 회원이십니다',
      html: layout('ko', title, lines, { label: '로그인하기', url: input.signInUrl }),
      text: `${title}\n\n${lines.join('\n\n')}\n\n${input.signInUrl}\n`,
    };
  }
  const title = 'You are already a member';
  const lines = [
    `${input.name}, someone asked to join with this e-mail address again. You are already a member: there is nothing to join.`,
    'Sign in with the link below to see your tier, your benefits and your consents.',
    'If this was not you, ignore this message: nothing has changed.',
  ];
  return {
    subject: 'You are already a member',
    html: layout('en', title, lines, { label: 'Sign in', url: input.signInUrl }),
    text: `${title}\n\n${lines.join('\n\n')}\n\n${input.signInUrl}\n`,
  };
}

/** The sign-in link to the member's page (valid minutes, once; asked for on the page, so nothing to ignore loudly). */
export function signInMail(input: { locale: Locale; name: string; url: string; validMinutes: number }): RenderedMail {
  if (input.locale === 'ko') {
    const title = '회원 페이지 로그인';
    const lines = [
      `${input.name}님, 회원 페이지 로그인 링크입니다. ${input.validMinutes}분 동안 한 번 쓸 수 있습니다.`,
      '직접 요청하지 않으셨다면 이 메일을 무시하세요. 링크를 누르지 않으면 아무도 로그인할 수 없습니다.',
    ];
    return {
      subject: '[단골] 회원 페이지 로그인 링크',
      html: layout('ko', title, lines, { label: '로그인하기', url: input.url }),
      text: `${title}\n\n${lines.join('\n\n')}\n\n${input.url}\n`,
    };
  }
  const title = 'Sign in to your member page';
  const lines = [
    `${input.name}, here is your sign-in link. It works once, for ${input.validMinutes} minutes.`,
    'If you did not ask for it, ignore this message: without the link nobody can sign in.',
  ];
  return {
    subject: 'Your sign-in link',
    html: layout('en', title, lines, { label: 'Sign in', url: input.url }),
    text: `${title}\n\n${lines.join('\n\n')}\n\n${input.url}\n`,
  };
}

/** The sign-in link by SMS. */
export function signInSms(input: { locale: Locale; sender: string; url: string; validMinutes: number }): string {
  return input.locale === 'ko'
    ? `[${input.sender}] 회원 페이지 로그인: ${input.url} (${input.validMinutes}분간 1회 유효)`
    : `[${input.sender}] Sign in to your member page: ${input.url} (once, ${input.validMinutes} minutes)`;
}

/** The link that confirms a member's own request to delete their membership and data. */
export function erasureMail(input: { locale: Locale; name: string; url: string; validMinutes: number }): RenderedMail {
  if (input.locale === 'ko') {
    const title = '회원 탈퇴 확인';
    const lines = [
      `${input.name}님, 회원 탈퇴와 개인정보 삭제를 요청하셨습니다. 아래 링크에서 확인하시면 삭제됩니다. 링크는 ${input.validMinutes}분 동안 유효합니다.`,
      '직접 요청하지 않으셨다면 이 메일을 무시하세요. 아무것도 삭제되지 않습니다.',
    ];
    return {
      subject: '[단골] 회원 탈퇴를 확인해 주세요',
      html: layout('ko', title, lines, { label: '탈퇴 확인하기', url: input.url }),
      text: `${title}\n\n${lines.join('\n\n')}\n\n${input.url}\n`,
    };
  }
  const title = 'Confirm deleting your membership';
  const lines = [
    `${input.name}, you asked us to delete your membership and your personal data. Confirm on the page of the link below; it works for ${input.validMinutes} minutes.`,
    'If this was not you, ignore this message: nothing is deleted.',
  ];
  return {
    subject: 'Confirm deleting your membership',
    html: layout('en', title, lines, { label: 'Confirm', url: input.url }),
    text: `${title}\n\n${lines.join('\n\n')}\n\n${input.url}\n`,
  };
}

/** The erasure link by SMS. */
export function erasureSms(input: { locale: Locale; sender: string; url: string; validMinutes: number }): string {
  return input.locale === 'ko'
    ? `[${input.sender}] 회원 탈퇴 확인: ${input.url} (${input.validMinutes}분간 유효. 본인이 아니면 무시하세요)`
    : `[${input.sender}] Confirm deleting your membership: ${input.url} (${input.validMinutes} minutes; ignore it if this was not you)`;
}

/** The link that confirms a new e-mail address for the membership (it replaces the old one once followed). */
export function contactChangeMail(input: {
  locale: Locale;
  name: string;
  url: string;
  validMinutes: number;
}): RenderedMail {
  if (input.locale === 'ko') {
    const title = '새 이메일 주소 확인';
    const lines = [
      `${input.name}님, 멤버십 이메일 주소를 이 주소로 바꾸시려면 아래 링크에서 확인해 주세요(${input.validMinutes}분간 유효).`,
      '직접 요청하지 않으셨다면 이 메일을 무시하세요. 아무것도 바뀌지 않습니다.',
    ];
    return {
      subject: '[단골] 새 이메일 주소를 확인해 주세요',
      html: layout('ko', title, lines, { label: '이 주소로 바꾸기', url: input.url }),
      text: `${title}\n\n${lines.join('\n\n')}\n\n${input.url}\n`,
    };
  }
  const title = 'Confirm your new e-mail address';
  const lines = [
    `${input.name}, to use this address for your membership, confirm on the page of the link below (${input.validMinutes} minutes).`,
    'If this was not you, ignore this message: nothing changes.',
  ];
  return {
    subject: 'Confirm your new e-mail address',
    html: layout('en', title, lines, { label: 'Use this address', url: input.url }),
    text: `${title}\n\n${lines.join('\n\n')}\n\n${input.url}\n`,
  };
}

/** The link that confirms a new phone, by SMS. */
export function contactChangeSms(input: { locale: Locale; sender: string; url: string; validMinutes: number }): string {
  return input.locale === 'ko'
    ? `[${input.sender}] 멤버십 휴대폰 번호 변경 확인: ${input.url} (${input.validMinutes}분간 유효)`
    : `[${input.sender}] Confirm this phone for your membership: ${input.url} (${input.validMinutes} minutes)`;
}

/** To the contact a change replaced: it no longer receives the membership's messages. */
export function contactReplacedMail(input: { locale: Locale; name: string; signInUrl: string }): RenderedMail {
  if (input.locale === 'ko') {
    const title = '멤버십 연락처가 바뀌었습니다';
    const lines = [
      `${input.name}님, 멤버십 이메일 주소가 다른 주소로 바뀌어 이 주소로는 더 이상 멤버십 메일을 보내지 않습니다.`,
      '직접 바꾸지 않으셨다면 고객센터로 알려 주세요.',
    ];
    return {
      subject: '[단골] 멤버십 이메일 주소가 바뀌었습니다',
      html: layout('ko', title, lines, { label: '회원 페이지', url: input.signInUrl }),
      text: `${title}\n\n${lines.join('\n\n')}\n\n${input.signInUrl}\n`,
    };
  }
  const title = 'Your membership contact was changed';
  const lines = [
    `${input.name}, your membership now uses another e-mail address; this one gets no more membership mail.`,
    'If you did not change it, please tell our customer service.',
  ];
  return {
    subject: 'Your membership e-mail address was changed',
    html: layout('en', title, lines, { label: 'Your member page', url: input.signInUrl }),
    text: `${title}\n\n${lines.join('\n\n')}\n\n${input.signInUrl}\n`,
  };
}

export function contactReplacedSms(input: { locale: Locale; sender: string; signInUrl: string }): string {
  return input.locale === 'ko'
    ? `[${input.sender}] 멤버십 휴대폰 번호가 바뀌어 이 번호로는 더 이상 문자를 보내지 않습니다. ${input.signInUrl}`
    : `[${input.sender}] Your membership now uses another phone; this number gets no more texts. ${input.signInUrl}`;
}

/** The SMS that verifies a phone (transactional: sent whatever the SMS consent, once per 10 minutes at most). */
export function verificationSms(input: { locale: Locale; sender: string; url: string; validDays: number }): string {
  return input.locale === 'ko'
    ? `[${input.sender}] 멤버십 가입 휴대폰 확인: ${input.url} (${input.validDays}일간 유효. 본인이 아니면 무시하세요)`
    : `[${input.sender}] Confirm this phone for your membership: ${input.url} (valid ${input.validDays} days; ignore it if you did not enroll)`;
}

/** The answer by SMS to someone who enrolls again with a member's verified phone; it names the member's page. */
export function alreadyMemberSms(input: { locale: Locale; sender: string; signInUrl: string }): string {
  return input.locale === 'ko'
    ? `[${input.sender}] 이미 멤버십 회원이십니다. 내 멤버십 페이지: ${input.signInUrl}`
    : `[${input.sender}] You are already a member. Your membership page: ${input.signInUrl}`;
}

/** The SMS to a child's legal guardian, whose consent the membership waits for (PIPA §22-2). */
export function guardianSms(input: {
  locale: Locale;
  sender: string;
  childName: string;
  url: string;
  validDays: number;
}): string {
  return input.locale === 'ko'
    ? `[${input.sender}] ${input.childName}님(만 14세 미만)의 멤버십 가입에 법정대리인 동의가 필요합니다: ${input.url} (${input.validDays}일간 유효)`
    : `[${input.sender}] ${input.childName} (under 14) asks to join our membership and needs your consent as legal guardian: ${input.url} (valid ${input.validDays} days)`;
}

/**
 * The welcome as the calendar's welcome entry says (marketing edits it): its e-mail content in the member's locale
 * (else the other one), with the member's name; null when the entry has no e-mail content.
 */
export function welcomeFromEntry(
  entry: CalendarEntryInput,
  input: { locale: Locale; name: string },
): RenderedMail | null {
  const content = entry.content.email?.[input.locale] ?? entry.content.email?.ko ?? entry.content.email?.en;
  if (!content) return null;
  const variables = { name: input.name };
  return {
    subject: render(content.subject, variables),
    html: render(content.html, variables, true),
    text: render(content.text, variables),
  };
}
