/**
 * SDK client settings shared by every adapter. Throttling is retried by the SDK itself, with
 * exponential backoff and jitter; we only give it more attempts than the default 3 because a
 * scheduled job that gives up early reports less than it could.
 */
const CLIENT_RETRY_SETTINGS = { maxAttempts: 6, retryMode: 'standard' } as const;

/**
 * Every call is bounded: a service that accepts the connection and never answers would otherwise
 * hold the run until the Lambda timeout, with no report. The SDK's Node handler takes these as a
 * plain options object. `throwOnRequestTimeout` matters: without it, @smithy/node-http-handler 4.x
 * only logs a warning when requestTimeout passes and keeps waiting (measured here against a
 * loopback server that never answers). A timed-out attempt is retried like any other transient
 * error, within maxAttempts.
 */
const CLIENT_TIMEOUT_SETTINGS = { requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000, throwOnRequestTimeout: true } } as const;

export { CLIENT_RETRY_SETTINGS, CLIENT_TIMEOUT_SETTINGS };
