/**
 * Every Lambda entry is one call to `jobHandler`: Powertools' logger gets the Lambda context, the
 * raw event is parsed (and refused, naming the field, before any AWS call), and the job runs with
 * the typed event. Middy's generics carry the event type, so no handler casts.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';

/** Replaces the raw event with the parsed one: the job only ever sees a validated event. */
function parsedEvent<E, R>(parse: (raw: unknown) => E): MiddlewareObj<E, R> {
  return {
    before: (request) => {
      request.event = parse(request.event as unknown);
    },
  };
}

function jobHandler<E, R>(logger: Logger, parse: (raw: unknown) => E, run: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(parsedEvent<E, R>(parse))
    .handler(run);
}

export { jobHandler, parsedEvent };
