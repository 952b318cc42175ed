// GET /admin/audit?month=YYYY-MM — the admin writes of a month, newest first, paged.
import { ValidationError } from '#app/validation';
import { requireAdmin } from '#shared/admin-auth';
import { httpHandler, json } from '#shared/http';
import { auditReader } from '#shared/wiring';

const audit = auditReader();

export const handler = httpHandler(async (event) => {
  requireAdmin(event, 'read');
  const query = event.queryStringParameters ?? {};
  const month = query['month'] ?? new Date().toISOString().slice(0, 7);
  const limit = Number(query['limit'] ?? 50);
  const errors = [];
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) errors.push({ path: 'month', message: 'Use YYYY-MM' });
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    errors.push({ path: 'limit', message: 'A number from 1 to 100' });
  const unknown = Object.keys(query).filter((key) => !['month', 'limit', 'cursor'].includes(key));
  for (const key of unknown) errors.push({ path: key, message: 'Unknown parameter' });
  if (errors.length > 0) throw new ValidationError(errors);
  return json(200, await audit.read(month, limit, query['cursor']));
});
