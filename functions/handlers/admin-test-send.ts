// POST /admin/calendar/{id}/test-send — queues a test send of the entry to the given address or phone (202).
import { testSend } from '#app/test-send';
import { requireAdmin } from '#shared/admin-auth';
import { HttpError, httpHandler, json, jsonBody } from '#shared/http';
import { dispatchDeps } from '#shared/wiring';

const deps = dispatchDeps({ pages: false, jobs: true });

export const handler = httpHandler(async (event) => {
  const admin = requireAdmin(event, 'edit');
  const id = event.pathParameters?.['id'] ?? '';
  const result = await testSend(id, jsonBody(event, 4096), admin.id, deps);
  if (result.status === 'missing') throw new HttpError(404, 'Not Found', 'No such calendar entry');
  return json(202, {
    status: 'queued',
    entryId: result.entry.id,
    version: result.entry.version,
    channel: result.channel,
    test: true,
  });
});
