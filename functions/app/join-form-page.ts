// The enrollment web form (GET /join): plain HTML and a little JS, in Korean and English.
import type { Locale } from '#schema/common';

interface FormText {
  title: string;
  intro: string;
  other: { label: string; href: string };
  name: string;
  email: string;
  emailHint: string;
  phone: string;
  phoneHint: string;
  birthday: string;
  birthdayHint: string;
  anniversary: string;
  postalCode: string;
  address1: string;
  address2: string;
  contactRule: string;
  consentLegend: string;
  consentIntro: string;
  consentEmail: string;
  consentSms: string;
  consentPost: string;
  consentNight: string;
  guardian: string;
  guardianIntro: string;
  guardianName: string;
  guardianPhone: string;
  noticeLegend: string;
  notice: readonly string[];
  noticeAgree: string;
  submit: string;
  sending: string;
  doneConfirm: string;
  doneActive: string;
  failed: string;
  fixFields: string;
}

const TEXT: Record<Locale, FormText> = {
  ko: {
    title: '단골 멤버십 가입',
    intro: '구매 금액에 따라 등급과 혜택이 올라가는 멤버십입니다. 표시(*)된 항목은 필수입니다.',
    other: { label: 'English', href: '/join?lang=en' },
    name: '이름 *',
    email: '이메일',
    emailHint: '예: hong@example.com',
    phone: '휴대전화',
    phoneHint: '예: 010-1234-5678',
    birthday: '생일',
    birthdayHint: '생일 축하 혜택을 보내드립니다.',
    anniversary: '결혼기념일',
    postalCode: '우편번호',
    address1: '주소',
    address2: '상세 주소',
    contactRule: '이메일 또는 휴대전화 중 하나는 꼭 입력해 주세요.',
    consentLegend: '광고성 정보 수신 동의 (선택)',
    consentIntro: '동의하지 않아도 가입할 수 있으며, 언제든지 철회할 수 있습니다.',
    consentEmail:
      '이메일로 멤버십 소식, 신상품, 뉴스레터와 할인 혜택을 받겠습니다. 가입 후 확인 메일의 링크를 눌러야 발송이 시작됩니다.',
    consentSms: '문자(SMS)로 등급 변경, 생일 쿠폰과 행사 안내를 받겠습니다.',
    consentPost: '우편으로 VIP 계간지와 초대장을 받겠습니다. (주소 필요)',
    consentNight:
      '야간(21:00~08:00)에도 문자 광고를 받겠습니다. 동의하지 않으면 야간 문자는 다음 날 08시 이후에 보냅니다.',
    guardian: '만 14세 미만 가입자의 법정대리인',
    guardianIntro:
      '만 14세 미만은 법정대리인(보호자)의 동의가 있어야 가입할 수 있습니다. 보호자의 휴대전화로 동의 링크를 보내드리며, 보호자가 동의하면 가입이 완료됩니다.',
    guardianName: '보호자 이름',
    guardianPhone: '보호자 휴대전화',
    noticeLegend: '개인정보 수집·이용 안내 (필수)',
    notice: [
      '수집 목적: 멤버십 가입과 관리, 등급과 혜택 제공, 구매 실적 집계, 문의 응대.',
      '수집 항목: 이름, 이메일 또는 휴대전화 번호(필수), 생일, 기념일, 주소(선택).',
      '보유 기간: 탈퇴 시 또는 마지막 이용 후 1년까지. 법령이 정한 기록은 그 기간 동안 보관합니다.',
      '동의를 거부하실 수 있으며, 거부하시면 멤버십에 가입하실 수 없습니다. 광고 수신 동의는 별도이며 선택입니다.',
    ],
    noticeAgree: '위 개인정보 수집·이용에 동의합니다. (필수)',
    submit: '가입하기',
    sending: '보내는 중…',
    doneConfirm: '가입 신청이 완료되었습니다. 이메일로 보낸 확인 링크를 눌러 주세요.',
    doneActive: '가입이 완료되었습니다. 감사합니다.',
    failed: '가입하지 못했습니다. 잠시 후 다시 시도해 주세요.',
    fixFields: '입력 내용을 확인해 주세요.',
  },
  en: {
    title: 'Join the membership',
    intro: 'Your tier and benefits grow with your purchases. Fields marked * are required.',
    other: { label: '한국어', href: '/join?lang=ko' },
    name: 'Name *',
    email: 'E-mail',
    emailHint: 'e.g. hong@example.com',
    phone: 'Mobile phone',
    phoneHint: 'e.g. 010-1234-5678 or +82 10 1234 5678',
    birthday: 'Birthday',
    birthdayHint: 'We send a birthday benefit.',
    anniversary: 'Wedding anniversary',
    postalCode: 'Postal code',
    address1: 'Address',
    address2: 'Address line 2',
    contactRule: 'Give at least an e-mail address or a mobile phone number.',
    consentLegend: 'Consent to receive advertising (optional)',
    consentIntro: 'You can join without agreeing, and withdraw at any time.',
    consentEmail:
      'Send me membership news, new products, the newsletter and offers by e-mail. Sending starts once I click the link in the confirmation mail.',
    consentSms: 'Send me tier changes, birthday coupons and event news by text message (SMS).',
    consentPost: 'Send me the quarterly VIP magazine and invitations by post (needs an address).',
    consentNight:
      'I also accept advertising text messages at night (21:00–08:00). Without this, night messages wait until 08:00.',
    guardian: 'Legal guardian of a member under 14',
    guardianIntro:
      'Children under 14 can join only with the consent of their legal guardian. We text the guardian a link; the membership is complete once they agree.',
    guardianName: 'Guardian’s name',
    guardianPhone: 'Guardian’s mobile phone',
    noticeLegend: 'Collection and use of personal data (required)',
    notice: [
      'Purposes: membership enrolment and management, tiers and benefits, counting purchases, answering questions.',
      'Items: name, e-mail address or mobile number (required); birthday, anniversary, address (optional).',
      'Retention: until you leave, or one year after your last activity; records the law requires for its period.',
      'You may refuse; without this consent you cannot join. Consents to advertising are separate and optional.',
    ],
    noticeAgree: 'I agree to the collection and use of my personal data described above. (required)',
    submit: 'Join',
    sending: 'Sending…',
    doneConfirm: 'Thank you. Please click the confirmation link we sent to your e-mail.',
    doneActive: 'Welcome, you are now a member.',
    failed: 'We could not enroll you. Please try again later.',
    fixFields: 'Please check the highlighted fields.',
  },
};

export function pickLocale(query: string | undefined, acceptLanguage: string | undefined): Locale {
  if (query === 'ko' || query === 'en') return query;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ko';
}

const field = (id: string, label: string, input: string, hint?: string) =>
  `<div class="field"><label for="${id}">${label}</label>${input}${hint ? `<small id="${id}-hint">${hint}</small>` : ''}<small class="error" id="${id}-error" role="alert"></small></div>`;

const consent = (id: string, text: string) =>
  `<div class="consent"><input type="checkbox" id="${id}" name="${id}"><label for="${id}">${text}</label><small class="error" id="${id}-error" role="alert"></small></div>`;

export function joinFormPage(locale: Locale): string {
  const t = TEXT[locale];
  const messages = JSON.stringify({
    sending: t.sending,
    doneConfirm: t.doneConfirm,
    doneActive: t.doneActive,
    failed: t.failed,
    fixFields: t.fixFields,
    submit: t.submit,
  });
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
.field{margin:0 0 1rem;display:flex;flex-direction:column}
label{font-weight:600}
input[type=text],input[type=email],input[type=tel],input[type=date]{font-size:1rem;padding:.5rem;border:1px solid #767676;border-radius:4px}
fieldset{border:1px solid #ccc;border-radius:4px;margin:0 0 1rem;padding:1rem}
.consent{display:grid;grid-template-columns:auto 1fr;gap:.5rem;margin:.5rem 0}
.consent label{font-weight:400}
.consent .error{grid-column:2}
.error{color:#b00020}
[aria-invalid=true]{border-color:#b00020;outline:2px solid #b00020}
button{font-size:1rem;padding:.6rem 1.5rem;background:#1f4e79;color:#fff;border:0;border-radius:4px;cursor:pointer}
#status{margin-top:1rem;font-weight:600}
</style>
</head>
<body>
<main>
<p><a href="${t.other.href}" lang="${locale === 'ko' ? 'en' : 'ko'}">${t.other.label}</a></p>
<h1>${t.title}</h1>
<p>${t.intro}</p>
<form id="join" method="post" action="/members" novalidate>
<input type="hidden" name="locale" value="${locale}">
${field('name', t.name, '<input type="text" id="name" name="name" required maxlength="100" autocomplete="name">')}
<p id="contact-rule">${t.contactRule}</p>
${field('email', t.email, '<input type="email" id="email" name="email" maxlength="254" autocomplete="email" aria-describedby="email-hint contact-rule">', t.emailHint)}
${field('phone', t.phone, '<input type="tel" id="phone" name="phone" maxlength="32" autocomplete="tel" aria-describedby="phone-hint contact-rule">', t.phoneHint)}
${field('birthday', t.birthday, '<input type="date" id="birthday" name="birthday" autocomplete="bday" aria-describedby="birthday-hint">', t.birthdayHint)}
${field('anniversary', t.anniversary, '<input type="date" id="anniversary" name="anniversary">')}
${field('postalCode', t.postalCode, '<input type="text" id="postalCode" name="postalCode" maxlength="10" autocomplete="postal-code">')}
${field('address1', t.address1, '<input type="text" id="address1" name="address1" maxlength="200" autocomplete="address-line1">')}
${field('address2', t.address2, '<input type="text" id="address2" name="address2" maxlength="200" autocomplete="address-line2">')}
<fieldset>
<legend>${t.consentLegend}</legend>
<p>${t.consentIntro}</p>
${consent('consentEmail', t.consentEmail)}
${consent('consentSms', t.consentSms)}
${consent('consentPost', t.consentPost)}
${consent('consentNightTime', t.consentNight)}
</fieldset>
<fieldset>
<legend>${t.guardian}</legend>
<p>${t.guardianIntro}</p>
${field('guardianName', t.guardianName, '<input type="text" id="guardianName" name="guardianName" maxlength="100">')}
${field('guardianPhone', t.guardianPhone, '<input type="tel" id="guardianPhone" name="guardianPhone" maxlength="32">')}
</fieldset>
<fieldset>
<legend>${t.noticeLegend}</legend>
<ul>${t.notice.map((line) => `<li>${line}</li>`).join('')}</ul>
${consent('privacyNotice', t.noticeAgree).replace('<input type="checkbox"', '<input type="checkbox" required')}
</fieldset>
<button type="submit" id="submit">${t.submit}</button>
<p id="status" role="status" aria-live="polite"></p>
</form>
</main>
<script>
(function () {
  var text = ${messages};
  var form = document.getElementById('join');
  var status = document.getElementById('status');
  var fieldFor = { 'consents.email': 'consentEmail', 'consents.sms': 'consentSms', 'consents.post': 'consentPost',
    'consents.nightTime': 'consentNightTime', 'postalAddress.postalCode': 'postalCode', 'postalAddress.address1': 'address1',
    'postalAddress.address2': 'address2', 'postalAddress': 'address1', 'guardian': 'guardianName',
    'guardian.name': 'guardianName', 'guardian.phone': 'guardianPhone' };
  function value(id) { var v = document.getElementById(id).value.trim(); return v === '' ? undefined : v; }
  function checked(id) { return document.getElementById(id).checked; }
  function clearErrors() {
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    form.querySelectorAll('.error').forEach(function (el) { el.textContent = ''; });
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    var body = { name: value('name') || '', locale: form.elements.locale.value,
      consents: { email: checked('consentEmail'), sms: checked('consentSms'), post: checked('consentPost'), nightTime: checked('consentNightTime') } };
    var zone = (Intl.DateTimeFormat().resolvedOptions() || {}).timeZone;
    if (zone) body.timeZone = zone;
    ['email', 'phone', 'birthday', 'anniversary'].forEach(function (id) { var v = value(id); if (v) body[id] = v; });
    if (value('postalCode') || value('address1')) {
      body.postalAddress = { postalCode: value('postalCode') || '', address1: value('address1') || '' };
      if (value('address2')) body.postalAddress.address2 = value('address2');
    }
    if (value('guardianName') || value('guardianPhone'))
      body.guardian = { name: value('guardianName') || '', phone: value('guardianPhone') || '' };
    if (checked('privacyNotice')) body.privacyNotice = true;
    var button = document.getElementById('submit');
    button.disabled = true; status.textContent = text.sending;
    fetch('/members', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
      .then(function (result) {
        button.disabled = false;
        if (result.ok) {
          form.querySelectorAll('input:not([type=hidden])').forEach(function (el) { el.disabled = true; });
          button.hidden = true;
          // The answer is the same for everyone; what comes next follows from what the person asked for.
          status.textContent = body.email && body.consents.email ? text.doneConfirm : text.doneActive;
          return;
        }
        var first = null;
        (result.data.errors || []).forEach(function (error) {
          var id = fieldFor[error.path] || error.path;
          var input = document.getElementById(id); var slot = document.getElementById(id + '-error');
          if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
          if (slot) slot.textContent = error.message;
        });
        status.textContent = result.data.errors ? text.fixFields : text.failed;
        if (first) first.focus();
      })
      .catch(function () { button.disabled = false; status.textContent = text.failed; });
  });
})();
</script>
</body>
</html>`;
}
