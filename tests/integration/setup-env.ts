// Gives each test worker the handlers' environment (endpoints of the emulators) before any handler is imported.
import { inject } from 'vitest';

Object.assign(process.env, inject('stackEnv'));
