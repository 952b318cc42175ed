// Every DynamoDB key of the single table is built here, nowhere else (see README "Access patterns").

export type Key = { PK: string; SK: string };

const PROFILE = 'PROFILE';
const OWNER = 'OWNER';

export const keys = {
  member: (memberId: string): Key => ({ PK: `MEMBER#${memberId}`, SK: PROFILE }),
  /** Uniqueness of an e-mail address: at most one member owns it. */
  emailOwner: (email: string): Key => ({ PK: `EMAIL#${email}`, SK: OWNER }),
  /** Uniqueness of a phone number (E.164): at most one member owns it. */
  phoneOwner: (phone: string): Key => ({ PK: `PHONE#${phone}`, SK: OWNER }),
  consentRecord: (memberId: string, at: string, channel: string): Key => ({
    PK: `MEMBER#${memberId}`,
    SK: `CONSENT#${at}#${channel}`,
  }),
  consentHistoryPrefix: (memberId: string) => ({ PK: `MEMBER#${memberId}`, SKPrefix: 'CONSENT#' }),
};

/** GSI1 attributes of a member profile: look-up by name prefix within the partition of its first letter. */
export function nameIndex(name: string, memberId: string): { GSI1PK: string; GSI1SK: string } {
  const folded = name.normalize('NFC').toLowerCase();
  return { GSI1PK: `NAME#${[...folded][0] ?? '_'}`, GSI1SK: `${folded}#${memberId}` };
}

export const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'entity'] as const;

/** The stored item minus its key and index attributes. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as T;
}
