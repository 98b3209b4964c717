/** What Lambda hands a handler besides the event, and a fresh handler module to hand it to. */
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';

/** `remainingMs`: what getRemainingTimeInMillis() says at the start; it counts down like Lambda's. */
function lambdaContext(functionName: string, remainingMs = 60_000): Context {
  // Counted down on the monotonic clock, as Lambda's is: a test that pins the date does not stop it.
  const endsAt = performance.now() + remainingMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/20/[$LATEST]abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => endsAt - performance.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const HANDLER_MODULES = {
  'idle-endpoints': () => import('../../functions/idle-endpoints/handler.ts'),
  'idle-notebooks': () => import('../../functions/idle-notebooks/handler.ts'),
  'weekend-scaling': () => import('../../functions/weekend-scaling/handler.ts'),
  'cost-report': () => import('../../functions/cost-report/handler.ts'),
} as const;

type LambdaHandler<Result> = (event: unknown, context: Context) => Promise<Result>;

/**
 * A handler as a new Lambda container would load it: the environment stubbed first (handlers
 * read it at module scope), then the module imported afresh. Callers unstub the environment.
 */
async function loadHandler<Result>(job: keyof typeof HANDLER_MODULES, env: Readonly<Record<string, string>>): Promise<LambdaHandler<Result>> {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  vi.resetModules();
  const module = (await HANDLER_MODULES[job]()) as unknown as { handler: LambdaHandler<Result> };
  return module.handler;
}

export { lambdaContext, loadHandler };
export type { LambdaHandler };
