// /admin/imports — one chunk of an import file (members or purchase history; a dry run writes only its report), and
// an import's report. `npm run import` sends a file chunk by chunk.
import { importChunk, importReport } from '#app/import-customers';
import { requireAdmin } from '#shared/admin-auth';
import { HttpError, httpHandler, json, jsonBody } from '#shared/http';
import { contactHashing, importDeps } from '#shared/wiring';

// A dry run remembers keys by their hash, and purchases by contact find prospects by it.
await contactHashing();
const deps = importDeps();
/** 500 rows of 23 columns fit easily; API Gateway would take 10 MB. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export const handler = httpHandler(async (event) => {
  switch (event.routeKey) {
    case 'POST /admin/imports': {
      const admin = requireAdmin(event, 'edit');
      return json(200, await importChunk(jsonBody(event, MAX_BODY_BYTES), admin.id, deps));
    }
    case 'GET /admin/imports/{id}': {
      requireAdmin(event, 'read');
      return json(200, await importReport(event.pathParameters?.['id'] ?? '', deps));
    }
    default:
      throw new HttpError(404, 'Not Found', `No route ${event.routeKey}`);
  }
});
