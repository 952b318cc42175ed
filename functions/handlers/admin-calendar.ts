// /admin/calendar routes — list and create, read, replace and delete (If-Match) benefit calendar entries.
import {
  createCalendarEntry,
  deleteCalendarEntry,
  getCalendarEntry,
  listCalendar,
  replaceCalendarEntry,
} from '#app/edit-calendar';
import { requireAdmin } from '#shared/admin-auth';
import { header, HttpError, httpHandler, json, jsonBody } from '#shared/http';
import { previewEntry } from '#app/preview-calendar';
import { calendarDeps } from '#shared/wiring';

const deps = calendarDeps();
const MAX_BODY_BYTES = 256 * 1024;
const etag = (version: number) => ({ etag: `"${version}"` });

export const handler = httpHandler(async (event) => {
  const id = event.pathParameters?.['id'] ?? '';
  switch (event.routeKey) {
    case 'GET /admin/calendar':
      requireAdmin(event, 'read');
      return json(200, await listCalendar(deps));
    case 'POST /admin/calendar': {
      const admin = requireAdmin(event, 'edit');
      const entry = await createCalendarEntry(jsonBody(event, MAX_BODY_BYTES), admin.id, deps);
      return json(201, entry, { ...etag(entry.version), location: `/admin/calendar/${entry.id}` });
    }
    case 'GET /admin/calendar/{id}': {
      requireAdmin(event, 'read');
      const entry = await getCalendarEntry(id, deps);
      return json(200, entry, etag(entry.version));
    }
    case 'PUT /admin/calendar/{id}': {
      const admin = requireAdmin(event, 'edit');
      const entry = await replaceCalendarEntry(
        id,
        header(event, 'if-match'),
        jsonBody(event, MAX_BODY_BYTES),
        admin.id,
        deps,
      );
      return json(200, entry, etag(entry.version));
    }
    case 'DELETE /admin/calendar/{id}': {
      const admin = requireAdmin(event, 'edit');
      await deleteCalendarEntry(id, header(event, 'if-match'), admin.id, deps);
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    case 'POST /admin/calendar/{id}/preview': {
      requireAdmin(event, 'edit');
      const entry = await getCalendarEntry(id, deps);
      const run = await deps.rfm.breakpoints();
      return json(
        200,
        previewEntry(entry, run ? { runId: run.runId, pages: await deps.rfm.runReports(run.runId) } : null),
      );
    }
    default:
      throw new HttpError(404, 'Not Found', `No route ${event.routeKey}`);
  }
});
