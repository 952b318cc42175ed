// GET /join — the enrollment web form.
import { joinFormPage, pickLocale } from '#app/join-form-page';
import { header, html, httpHandler } from '#shared/http';

export const handler = httpHandler(async (event) =>
  html(200, joinFormPage(pickLocale(event.queryStringParameters?.['lang'], header(event, 'accept-language')))),
);
