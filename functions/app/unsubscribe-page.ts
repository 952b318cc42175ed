// The page an unsubscribe link shows: plain HTML in the member's language, no script, no redirect.
const TEXT = {
  ko: {
    title: '수신거부',
    done: {
      email: '이메일 수신을 거부하셨습니다. 더 이상 광고성 이메일을 보내지 않습니다.',
      sms: '문자 수신을 거부하셨습니다.',
      post: '우편 수신을 거부하셨습니다.',
    },
    invalid: '링크가 올바르지 않거나 만료되었습니다. 고객센터로 연락해 주세요.',
  },
  en: {
    title: 'Unsubscribe',
    done: {
      email: 'You are unsubscribed from our e-mails. We will not send you marketing e-mail again.',
      sms: 'You are unsubscribed from our text messages.',
      post: 'You are unsubscribed from our mailings.',
    },
    invalid: 'This link is not valid or has expired. Please contact us.',
  },
} as const;

export function unsubscribePage(
  locale: 'ko' | 'en',
  outcome: { channel: 'email' | 'sms' | 'post' } | 'invalid',
): string {
  const text = TEXT[locale];
  const message = outcome === 'invalid' ? text.invalid : text.done[outcome.channel];
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${text.title}</title></head><body><main><h1>${text.title}</h1><p>${message}</p></main></body></html>`;
}
