/**
 * The bot's error classes. Each names what went wrong precisely enough for an admin to act on it,
 * and keeps the original error as `cause` instead of hiding it.
 */

class OpsBotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpsBotError';
  }
}

/** The invocation event is malformed; thrown before any AWS call. */
class InvalidEventError extends OpsBotError {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`Invalid event: "${field}" ${problem}`);
    this.name = 'InvalidEventError';
    this.field = field;
  }
}

/** An environment variable (or deploy setting) is malformed; thrown at cold start. */
class ConfigError extends OpsBotError {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** A replayed snapshot file cannot be read as one. */
class SnapshotError extends OpsBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotError';
  }
}

/** Nothing at all could be checked in this run: surfaced as a Lambda error so the alarm fires. */
class RunFailedError extends OpsBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFailedError';
  }
}

/** The report could not be published: the admins did not hear about this run. */
class PublishFailedError extends OpsBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishFailedError';
  }
}

/**
 * A run in which no region could be read at all reports nothing useful: it fails, so that the
 * function's errors alarm tells the admins. `regionFailures` are the failures that cost a whole region.
 */
function noRegionWasRead(
  regions: readonly string[],
  regionFailures: ReadonlyArray<{ region: string; stage: string; reason: string }>,
): RunFailedError | undefined {
  if (regions.length === 0 || !regions.every((region) => regionFailures.some((failure) => failure.region === region))) return undefined;
  const reasons = regionFailures.map((failure) => `${failure.region} ${failure.stage}: ${failure.reason}`).join('; ');
  return new RunFailedError(`No region could be checked: ${reasons}`);
}

// Query strings of presigned URLs and cookie/token values are credentials; they never leave
// the process in an error text, a log line or a report.
// Presigned URLs also travel percent-encoded (in a `next=` parameter or a log of a redirect), the
// token also travels as JSON (`"authToken":"…"`), and jupyter_server's login cookie is named
// `username-<host>-<port>=…`.
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(https?:\/\/[^\s?"'<>]+)\?[^\s"'<>]*/gi, '$1?[redacted]'],
  [/(https?%3A%2F%2F[^\s"'<>%]*(?:%2F[^\s"'<>%]*)*)%3F[^\s"'<>&]*/gi, '$1%3F[redacted]'],
  [/\b(authToken|token|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|_xsrf)(=|%3D)[^\s&;"']+/gi, '$1$2[redacted]'],
  [/("(?:authToken|token|AuthorizedUrl|cookie|set-cookie|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
  [/\b(username-[\w.-]+)=(?:"[^"]*"|[^\s;,"']+)/gi, '$1=[redacted]'],
  [/\b(cookie|set-cookie|authorization)\s*:\s*[^\n]+/gi, '$1: [redacted]'],
];

/** Removes anything that looks like a credential from a text meant for logs or reports. */
function redactCredentials(text: string): string {
  return CREDENTIAL_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * A one-line, credential-free description of a failure for reports: the error's name (the AWS
 * error code for SDK errors) and its message.
 */
function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return redactCredentials(`${name}${error.message}`.replace(/\s+/g, ' ').trim());
  }
  return redactCredentials(String(error));
}

export { OpsBotError, InvalidEventError, ConfigError, SnapshotError, RunFailedError, PublishFailedError, noRegionWasRead, redactCredentials, describeFailure };
