// Who is signed in: an access token kept for this tab (sessionStorage) and the groups it carries. In AWS the Cognito
// Hosted UI signs in (authorization code with PKCE); locally the stack's own route issues the same kind of token as
// `npm run admin-token`.
export interface ConsoleConfig {
  readonly auth:
    | { readonly kind: 'local' }
    | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string };
  readonly sms: { readonly senderName: string; readonly optOutNumber: string };
}

export interface Session {
  readonly token: string;
  readonly groups: readonly string[];
  readonly subject: string;
}

const TOKEN = 'dangol.token';

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

function sessionOf(token: string): Session | null {
  try {
    const claims = claimsOf(token);
    if (typeof claims['exp'] === 'number' && claims['exp'] * 1000 < Date.now()) return null;
    const groups = claims['cognito:groups'];
    return {
      token,
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      subject: String(claims['sub'] ?? ''),
    };
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN);
  return token ? sessionOf(token) : null;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN);
}

/** Local stack: a token for the group chosen (the route answers on 127.0.0.1 only). */
export async function signInLocally(group: string): Promise<Session | null> {
  const response = await fetch('/_local/console/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ group }),
  });
  if (!response.ok) return null;
  const { token } = (await response.json()) as { token: string };
  sessionStorage.setItem(TOKEN, token);
  return sessionOf(token);
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const redirectUri = () => `${location.origin}/console/`;

/** Cognito Hosted UI: off to its sign-in page with a PKCE challenge; back at /console/?code=…&state=…. */
export async function signInWithCognito(auth: { domain: string; clientId: string }): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem('dangol.pkce', JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid',
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`https://${auth.domain}/oauth2/authorize?${query}`);
}

/** Back from the Hosted UI: the code for tokens (checked against the state this tab sent). */
export async function finishCognitoSignIn(auth: { domain: string; clientId: string }): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return null;
  const sent = JSON.parse(sessionStorage.getItem('dangol.pkce') ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem('dangol.pkce');
  history.replaceState(null, '', '/console/');
  if (!sent.verifier || sent.state !== params.get('state')) return null;
  const response = await fetch(`https://${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: sent.verifier,
    }),
  });
  if (!response.ok) return null;
  const { access_token: token } = (await response.json()) as { access_token: string };
  sessionStorage.setItem(TOKEN, token);
  return sessionOf(token);
}

export const canEdit = (session: Session) => session.groups.includes('marketing');
export const isPrivacy = (session: Session) => session.groups.includes('privacy');
