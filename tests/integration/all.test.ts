// The integration suite as one file, so that it runs beside the unit, CDK and browser tests (Vitest runs files of
// a project without file parallelism only after every parallel file): its parts share one local stack and run one
// after another in this order — campaigns go to every member, and a ladder edit is promoted by the next review.
import './sending.it.ts';
import './purchases.it.ts';
import './coupons.it.ts';
import './member-page.it.ts';
import './send-ledger.it.ts';
import './enrollment-validation.it.ts';
import './enrollment.it.ts';
import './admin-calendar.it.ts';
import './tier-review.it.ts';
import './admin-privacy.it.ts';
import './admin-tiers.it.ts';
import './rfm-scoring.it.ts';
import './admin-members.it.ts';
import './enrollment-mail-queue.it.ts';
import './admin-auth.it.ts';
import './imports.it.ts';
import './identity.it.ts';
import './merges.it.ts';
import './webhooks.it.ts';
import './contact-limits.it.ts';
import './local-stack.it.ts';
import './logs-no-pii.it.ts';
