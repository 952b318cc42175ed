// Roles on the admin API. In AWS the HTTP API's JWT authorizer (Cognito) has verified the token; locally the gateway
// has (infra/local/admin-keys.ts). Either way the handler checks the group claim again and denies by default.
import { HttpError, type HttpEvent } from './http.ts';

export type AdminRole = 'read' | 'edit';

export interface Admin {
  /** The token's subject: what the audit log records as "who" (an id, never a name or e-mail). */
  readonly id: string;
  readonly groups: readonly string[];
}

const GROUPS_FOR: Record<AdminRole, readonly string[]> = {
  read: ['marketing', 'viewer'],
  edit: ['marketing'],
};

/** Cognito puts groups in `cognito:groups`, as a list or (through API Gateway) as "[a b]" text. */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim === 'string')
    return claim
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

export function requireAdmin(event: HttpEvent, role: AdminRole): Admin {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer
    ?.jwt?.claims;
  if (!claims || typeof claims['sub'] !== 'string')
    throw new HttpError(401, 'Unauthorized', 'A valid bearer token is required');
  const groups = groupsOf(claims['cognito:groups']);
  if (!groups.some((group) => GROUPS_FOR[role].includes(group))) {
    throw new HttpError(
      403,
      'Forbidden',
      role === 'edit' ? 'This change needs the marketing group' : 'This needs the marketing or viewer group',
    );
  }
  return { id: claims['sub'], groups };
}
