// Gives zod/mini English messages. Schema files import zod/mini directly (`import * as z`), never through a
// re-export, so esbuild can drop what is unused; zod's classic API would pull every locale (~450 KB).
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
