// POST /members — enroll a member from the web form. The answer is the same 202 for everyone (CONTRACT.md).
import { enrollMember } from '#app/enroll-member';
import { httpHandler, json, jsonBody } from '#shared/http';
import {
  contactHashing,
  eventPublisher,
  identityIndex,
  memberStore,
  phoneCountries,
  systemClock,
} from '#shared/wiring';

// Identity evidence is kept by a hash of it.
await contactHashing();
const MAX_BODY_BYTES = 16 * 1024;
const deps = {
  members: memberStore(),
  events: eventPublisher(),
  clock: systemClock,
  phoneCountries: phoneCountries(),
  identity: identityIndex(),
};

export const handler = httpHandler(async (event) =>
  json(202, await enrollMember(jsonBody(event, MAX_BODY_BYTES), deps)),
);
