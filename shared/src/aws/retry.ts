/**
 * SDK client settings shared by every adapter. Throttling is retried by the SDK itself, with
 * exponential backoff and jitter; we only give it more attempts than the default 3 because a
 * scheduled job that gives up early reports less than it could.
 */
const CLIENT_RETRY_SETTINGS = { maxAttempts: 6, retryMode: 'standard' } as const;

export { CLIENT_RETRY_SETTINGS };
