import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach } from 'vitest';
import { forgetPriceList } from '@ops-bot/shared/aws/price-list';

// Handlers write their dashboard figures as EMF lines on stdout; tests that check them use a
// recording sink, so the real one stays quiet here.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// The SDK's "Node 22 after January 2027" notice: noise in tests on Node 20 (see scripts/plan.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Every test starts as a cold container: prices one test's fake Price List answered are not another's.
beforeEach(() => forgetPriceList());
