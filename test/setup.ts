import 'aws-sdk-client-mock-vitest/extend';

// Handlers write their dashboard figures as EMF lines on stdout; tests that check them use a
// recording sink, so the real one stays quiet here.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
