// Entry point of the sending bench in its own process (see run.ts).
import { benchSending } from './sending.ts';

await benchSending();
process.exit(0);
