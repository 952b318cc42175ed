// Turns zod results into the field errors of a problem+json 400.
import type { FieldError } from '#schema/problem';

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** One entry per wrong field; an unknown field is named by its own path. */
export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) errors.push({ path: joinPath([...issue.path, key]), message: 'Unknown field' });
    } else {
      errors.push({ path: joinPath(issue.path) || '(body)', message: issue.message });
    }
  }
  return errors;
}

export class ValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid input: ${errors.map((error) => error.path).join(', ')}`);
    this.name = 'ValidationError';
  }
}
