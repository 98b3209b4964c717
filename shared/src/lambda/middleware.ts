/**
 * Middy middleware shared by every handler: replace the raw event with the parsed one, so the
 * job only ever sees a validated event and a bad one fails before any AWS call.
 */
import type { MiddlewareObj } from '@middy/core';

function parsedEvent<T>(parse: (raw: unknown) => T): MiddlewareObj<unknown> {
  return {
    before: (request) => {
      request.event = parse(request.event);
    },
  };
}

export { parsedEvent };
