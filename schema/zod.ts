// The one place zod is imported from: zod/mini with only the English messages, so each Lambda bundle stays small
// (zod's classic API pulls every locale, ~450 KB; see README "Dependencies").
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export { z };
