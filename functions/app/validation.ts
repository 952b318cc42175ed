// Turns zod results into the field errors of a problem+json 400.
import type { FieldError } from '#schema/problem';

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** One entry per wrong field (its messages joined); an unknown field is named by its own path. */
export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  const byPath = new Map<string, string[]>();
  const add = (path: string, message: string) => {
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) add(joinPath([...issue.path, key]), 'Unknown field');
    } else {
      add(joinPath(issue.path) || '(body)', issue.message);
    }
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join('; ') }));
}

export class ValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid input: ${errors.map((error) => error.path).join(', ')}`);
    this.name = 'ValidationError';
  }
}
