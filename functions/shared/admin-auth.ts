// Roles on the admin API. In AWS the HTTP API's JWT authorizer (Cognito) has verified the token; locally the gateway
// has (infra/local/admin-keys.ts). Either way the handler checks the group claim again and denies by default.
import { HttpError, type HttpEvent } from './http.ts';

/** `read` and `edit` the programme; `privacy` exports and erases members (PIPA: the fewest people see everything). */
export type AdminRole = 'read' | 'edit' | 'privacy';

export interface Admin {
  /** The token's subject: what the audit log records as "who" (an id, never a name or e-mail). */
  readonly id: string;
  readonly groups: readonly string[];
}

const GROUPS_FOR: Record<AdminRole, readonly string[]> = {
  read: ['marketing', 'viewer'],
  edit: ['marketing'],
  privacy: ['privacy'],
};

const DENIED: Record<AdminRole, string> = {
  read: 'This needs the marketing or viewer group',
  edit: 'This change needs the marketing group',
  privacy: 'Export and erasure need the privacy group',
};

/**
 * Cognito puts groups in `cognito:groups` as a list; API Gateway hands a list claim on as "[a b]" text. Group names
 * cannot hold white space but may hold commas, so the text splits on white space only: a group named
 * `x,marketing` stays one group and grants nothing.
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  if (typeof claim === 'string') {
    const listed = /^\[(.*)\]$/.exec(claim.trim());
    return (listed ? (listed[1] ?? '') : claim).split(/\s+/).filter(Boolean);
  }
  return [];
}

/** How much of a member an admin sees: viewers get contacts masked and no private details (PIPA: least data). */
export function contactViewOf(admin: Admin): 'full' | 'masked' {
  return admin.groups.some((group) => group === 'marketing' || group === 'privacy') ? 'full' : 'masked';
}

export function requireAdmin(event: HttpEvent, role: AdminRole): Admin {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer
    ?.jwt?.claims;
  if (!claims || typeof claims['sub'] !== 'string')
    throw new HttpError(401, 'Unauthorized', 'A valid bearer token is required');
  // Access tokens only: an ID token of the same pool is meant for the client, not for the API.
  if (claims['token_use'] !== 'access') throw new HttpError(401, 'Unauthorized', 'Send an access token');
  const groups = groupsOf(claims['cognito:groups']);
  if (!groups.some((group) => GROUPS_FOR[role].includes(group))) throw new HttpError(403, 'Forbidden', DENIED[role]);
  return { id: claims['sub'], groups };
}

/**
 * A partner system (shop, POS, app): in AWS the HTTP API's IAM authorizer has checked its SigV4 signature; locally the
 * gateway has (infra/local/partner-keys.ts). The handler refuses a request that came through neither.
 */
export function requirePartner(event: HttpEvent): { readonly accessKey: string } {
  const iam = (event.requestContext as { authorizer?: { iam?: { accessKey?: unknown } } }).authorizer?.iam;
  if (!iam || typeof iam.accessKey !== 'string')
    throw new HttpError(401, 'Unauthorized', 'Partner routes need an AWS SigV4 signature');
  return { accessKey: iam.accessKey };
}
