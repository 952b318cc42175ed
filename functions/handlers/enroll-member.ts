// POST /members — enroll a member from the web form.
import { enrollMember } from '#app/enroll-member';
import { httpHandler, json, jsonBody } from '#shared/http';
import { absorbProspects } from '#app/ingest-purchase';
import { eventPublisher, memberStore, purchaseDeps, systemClock } from '#shared/wiring';

const MAX_BODY_BYTES = 16 * 1024;
const purchases = purchaseDeps();
const deps = {
  members: memberStore(),
  events: eventPublisher(),
  clock: systemClock,
  absorbProspects: (memberId: string, contacts: { email?: string; phone?: string }) =>
    absorbProspects(memberId, contacts, purchases),
};

export const handler = httpHandler(async (event) =>
  json(202, await enrollMember(jsonBody(event, MAX_BODY_BYTES), deps)),
);
