// Every event dangol puts or accepts on the bus, for `npm run schema` (kept apart so that handler bundles which
// use one event schema do not carry all of them, nor the phone metadata the purchase schemas need).
import {
  consentChanged,
  contactChanged,
  contactChangeRequested,
  couponRedeemed,
  emailConfirmationRequested,
  memberEmailConfirmed,
  memberPhoneVerified,
  erasureRequested,
  memberEnrolled,
  memberErased,
  membersMerged,
  profileChanged,
  signInRequested,
  tierChanged,
  touchpointSent,
} from './events.ts';
import { purchaseCompleted, purchaseRefunded } from './purchases.ts';

/** detail-type → detail schema, for every event dangol puts or accepts; `npm run schema` writes one JSON Schema each. */
export const eventCatalogue = {
  out: {
    'Member Enrolled': memberEnrolled,
    'Member Email Confirmed': memberEmailConfirmed,
    'Member Phone Verified': memberPhoneVerified,
    'Email Confirmation Requested': emailConfirmationRequested,
    'Tier Changed': tierChanged,
    'Touchpoint Sent': touchpointSent,
    'Coupon Redeemed': couponRedeemed,
    'Consent Changed': consentChanged,
    'Sign-in Requested': signInRequested,
    'Erasure Requested': erasureRequested,
    'Member Erased': memberErased,
    'Members Merged': membersMerged,
    'Profile Changed': profileChanged,
    'Contact Change Requested': contactChangeRequested,
    'Contact Changed': contactChanged,
  },
  in: { 'Purchase Completed': purchaseCompleted, 'Purchase Refunded': purchaseRefunded },
} as const;
