// The page an unsubscribe link shows: plain HTML in the member's language, no script, no redirect.
import { escapeHtml } from '#domain/templates';
const TEXT = {
  ko: {
    title: '수신거부',
    ask: {
      email: '아래 버튼을 누르시면 이메일 수신을 거부합니다.',
      sms: '아래 버튼을 누르시면 문자 수신을 거부합니다.',
      post: '아래 버튼을 누르시면 우편 수신을 거부합니다.',
    },
    button: '수신거부',
    done: {
      email: '이메일 수신을 거부하셨습니다. 더 이상 광고성 이메일을 보내지 않습니다.',
      sms: '문자 수신을 거부하셨습니다.',
      post: '우편 수신을 거부하셨습니다.',
    },
    invalid: '링크가 올바르지 않거나 만료되었습니다. 고객센터로 연락해 주세요.',
  },
  en: {
    title: 'Unsubscribe',
    ask: {
      email: 'Press the button below to stop our e-mails.',
      sms: 'Press the button below to stop our text messages.',
      post: 'Press the button below to stop our mailings.',
    },
    button: 'Unsubscribe',
    done: {
      email: 'You are unsubscribed from our e-mails. We will not send you marketing e-mail again.',
      sms: 'You are unsubscribed from our text messages.',
      post: 'You are unsubscribed from our mailings.',
    },
    invalid: 'This link is not valid or has expired. Please contact us.',
  },
} as const;

/** The link's pages: `ask` (what a GET shows) carries the one button that withdraws; `done` once it did. */
export function unsubscribePage(
  locale: 'ko' | 'en',
  outcome: { channel: 'email' | 'sms' | 'post'; ask?: { token: string } } | 'invalid',
): string {
  const text = TEXT[locale];
  const message =
    outcome === 'invalid' ? text.invalid : outcome.ask ? text.ask[outcome.channel] : text.done[outcome.channel];
  const form =
    outcome !== 'invalid' && outcome.ask
      ? `<form method="post" action="/unsubscribe?token=${escapeHtml(encodeURIComponent(outcome.ask.token))}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${text.button}</button></form>`
      : '';
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${text.title}</title></head><body><main><h1>${text.title}</h1><p>${message}</p>${form}</main></body></html>`;
}
