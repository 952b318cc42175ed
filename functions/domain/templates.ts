// Calendar content checks at save time (variables, locales, SMS length) and rendering of the variables.
import type { CalendarEntryInput } from '#schema/calendar';
import type { FieldError } from '#schema/problem';

export const TEMPLATE_VARIABLES = [
  'name',
  'tier',
  'coupon',
  'couponPercent',
  'couponValue',
  'validUntil',
  'unsubscribeUrl',
  'memberPageUrl',
  'keepBy',
  'deltaToRetain',
  'senderName',
  'consentDate',
  'consentChannels',
] as const;
export const PROGRAMME_LOCALES = ['ko', 'en'] as const;
/** Korean carriers' long SMS (LMS) limit, in bytes: Hangul counts 2, ASCII 1. */
export const SMS_MAX_BYTES = 2000;
/** What the Korean ad rules add to an advertising SMS: "(광고)", the sender, and the free opt-out line. */
export const AD_SMS_OVERHEAD_BYTES = 60;
/** Room kept for each variable when it is filled in. */
const VARIABLE_BYTES = 40;

const VARIABLE = /\{\{\s*([^}]*?)\s*\}\}/g;

export function smsBytes(text: string): number {
  let bytes = 0;
  for (const char of text.replace(VARIABLE, '')) bytes += (char.codePointAt(0) ?? 0) > 0x7f ? 2 : 1;
  return bytes + [...text.matchAll(VARIABLE)].length * VARIABLE_BYTES;
}

export function templateIssues(entry: CalendarEntryInput, tierCodes: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const channel of entry.channels) {
    const content = entry.content[channel] as Record<string, Record<string, string> | undefined> | undefined;
    if (!content) {
      errors.push({ path: `content.${channel}`, message: `The entry sends ${channel}: give its content` });
      continue;
    }
    for (const locale of PROGRAMME_LOCALES) {
      if (!content[locale])
        errors.push({
          path: `content.${channel}.${locale}`,
          message: `Members with locale ${locale} would get no ${channel}`,
        });
    }
  }
  for (const [channel, locales] of Object.entries(entry.content)) {
    for (const [locale, fields] of Object.entries((locales ?? {}) as Record<string, Record<string, string>>)) {
      for (const [field, value] of Object.entries(fields ?? {})) {
        const path = `content.${channel}.${locale}.${field}`;
        const unknown = [...value.matchAll(VARIABLE)]
          .map((match) => match[1] ?? '')
          .filter((name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name));
        if (unknown.length > 0)
          errors.push({
            path,
            message: `Unknown variable ${unknown.map((name) => `{{${name}}}`).join(', ')}; known: ${TEMPLATE_VARIABLES.join(', ')}`,
          });
        if (channel === 'sms' && field === 'text') {
          const bytes = smsBytes(value) + (entry.advertising ? AD_SMS_OVERHEAD_BYTES : 0);
          if (bytes > SMS_MAX_BYTES)
            errors.push({
              path,
              message: `Too long for SMS: ${bytes} of ${SMS_MAX_BYTES} bytes (with variables${entry.advertising ? ' and the ad notice' : ''})`,
            });
        }
      }
    }
  }
  const unknownTiers = entry.tiers.filter((code) => !tierCodes.includes(code));
  if (unknownTiers.length > 0) errors.push({ path: 'tiers', message: `Unknown tier ${unknownTiers.join(', ')}` });
  if (entry.offer) {
    const keys = entry.offer.percentBy === 'tier' ? tierCodes : ['most-frequent', 'frequent', 'average', 'occasional'];
    const wrong = Object.keys(entry.offer.percents).filter((key) => !keys.includes(key));
    if (wrong.length > 0)
      errors.push({
        path: 'offer.percents',
        message: `Keys must be ${entry.offer.percentBy === 'tier' ? 'tier codes' : 'RFM offer groups'}: not ${wrong.join(', ')}`,
      });
  }
  if (entry.activeFrom && entry.activeTo && entry.activeFrom >= entry.activeTo)
    errors.push({ path: 'activeTo', message: 'Must come after activeFrom' });
  return errors;
}

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function render(template: string, variables: Readonly<Record<string, string>>, html = false): string {
  return template.replace(VARIABLE, (_, name: string) => {
    const value = variables[name] ?? '';
    return html ? escapeHtml(value) : value;
  });
}
