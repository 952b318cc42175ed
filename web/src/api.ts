// The admin API, same origin: the bearer token on every call, problem+json errors as values to show.
import { currentSession } from './auth.ts';

export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: { path: string; message: string }[];
}

export interface Reply<T> {
  readonly ok: boolean;
  readonly status: number;
  readonly etag: string | null;
  readonly body: T;
  readonly problem?: Problem;
}

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const session = currentSession();
  const response = await fetch(path, {
    method,
    headers: {
      ...(session && { authorization: `Bearer ${session.token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : {};
  return {
    ok: response.ok,
    status: response.status,
    etag: response.headers.get('etag'),
    body: parsed as T,
    ...(!response.ok && { problem: parsed as Problem }),
  };
}
