// Gives each test worker the handlers' environment (endpoints of the emulators) before any handler is imported, and
// the contact hash keys the local stack's functions use (tests that drive adapters directly key items the same way).
import { inject } from 'vitest';

Object.assign(process.env, inject('stackEnv'));
const { loadContactHashKeys } = await import('#adapters/token-secret');
await loadContactHashKeys({ CONTACT_HASH_KEYS: process.env['CONTACT_HASH_KEYS'] });
