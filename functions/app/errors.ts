// The app layer's own errors: use cases throw these, and only the HTTP layer (functions/shared/http.ts) turns them
// into status codes, so no use case knows it is behind an API.

abstract class AppError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The thing asked for does not exist (or is not active). */
export class NotFound extends AppError {}

/** A conditional write needs the version that was read (If-Match), and none was given. */
export class VersionRequired extends AppError {}

/** The version that was read is no longer the current one: read again, then redo the change. */
export class Stale extends AppError {}

/** The change conflicts with the current state (e.g. a duplicate id). */
export class Conflict extends AppError {}

/** A page cursor that the store did not make (tampered or from another query). */
export class InvalidCursor extends AppError {}
