/**
 * What a run could not read or do. With `resource` it cost one resource (an endpoint, a component,
 * a notebook); without, a whole region's stage failed, and nothing of that region was judged.
 */
interface RunFailure {
  readonly region: string;
  readonly stage: string;
  readonly reason: string;
  readonly resource?: string;
}

/** The failures that cost a whole region. */
function regionWideFailures<F extends RunFailure>(failures: readonly F[]): F[] {
  return failures.filter((failure) => failure.resource === undefined);
}

/** `us-east-1 my-endpoint: DescribeEndpoint: ThrottlingException: Rate exceeded` */
function describeRunFailure(failure: RunFailure): string {
  return `${failure.region}${failure.resource ? ` ${failure.resource}` : ''}: ${failure.stage}: ${failure.reason}`;
}

export { regionWideFailures, describeRunFailure };
export type { RunFailure };
