// POST /members — enroll a member from the web form.
import { enrollMember } from '#app/enroll-member';
import { httpHandler, json, jsonBody } from '#shared/http';
import { enrollmentWiring } from '#shared/wiring';

const MAX_BODY_BYTES = 16 * 1024;
const deps = await enrollmentWiring();

export const handler = httpHandler(async (event) => json(202, await enrollMember(jsonBody(event, MAX_BODY_BYTES), deps)));
