// The `source` of every event dangol puts on the bus — its own module, so that a handler that publishes events
// does not bundle every event's schema with it.
export const EVENT_SOURCE = 'dangol';
