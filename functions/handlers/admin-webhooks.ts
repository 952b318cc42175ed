// GET /admin/webhooks (the subscriptions), POST /admin/webhooks (a new one; its signing secret answered once),
// DELETE /admin/webhooks/{id} (or DELETE /admin/webhooks?id=). Listing for marketing or viewer, changes for
// marketing.
import { ValidationError } from '#app/validation';
import { createWebhook, deleteWebhook, listWebhooks, webhookView } from '#app/webhooks';
import { requireAdmin } from '#shared/admin-auth';
import { HttpError, httpHandler, json, jsonBody } from '#shared/http';
import { webhookDeps } from '#shared/webhook-wiring';

const deps = webhookDeps();

export const handler = httpHandler(async (event) => {
  switch (event.routeKey) {
    case 'GET /admin/webhooks':
      requireAdmin(event, 'read');
      return json(200, { items: await listWebhooks(deps) });
    case 'POST /admin/webhooks': {
      const admin = requireAdmin(event, 'edit');
      const webhook = await createWebhook(jsonBody(event, 8192), admin.id, deps);
      return json(
        201,
        { ...webhookView(webhook), secret: webhook.secret },
        { location: `/admin/webhooks/${webhook.id}` },
      );
    }
    case 'DELETE /admin/webhooks/{id}':
    case 'DELETE /admin/webhooks': {
      const admin = requireAdmin(event, 'edit');
      // The id in the path, or as `?id=` or `{"id"}` on the collection (CONTRACT.md names DELETE /admin/webhooks).
      const body = event.body ? jsonBody(event, 1024) : undefined;
      const id =
        event.pathParameters?.['id'] ??
        event.queryStringParameters?.['id'] ??
        (typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined);
      if (typeof id !== 'string' || id === '')
        throw new ValidationError([{ path: 'id', message: 'Name the webhook: /admin/webhooks/{id} or ?id=' }]);
      await deleteWebhook(id, admin.id, deps);
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    }
    default:
      throw new HttpError(404, 'Not Found', `No route ${event.routeKey}`);
  }
});
