import { describe, expect, it } from 'vitest';
import { describeFailure, failIfNoRegionWasRead, redactCredentials, RunFailedError } from '@ops-bot/shared/errors';

describe('Function: redactCredentials', () => {
  it.each([
    { text: 'GET https://nb.notebook.us-east-1.sagemaker.aws/auth?authToken=eyJhbGci failed', secret: 'eyJhbGci', kept: 'https://nb.notebook.us-east-1.sagemaker.aws/auth?[redacted]' },
    { text: 'token=abc123&x=1', secret: 'abc123', kept: 'token=[redacted]' },
    { text: 'X-Amz-Signature=deadbeef', secret: 'deadbeef', kept: 'X-Amz-Signature=[redacted]' },
    { text: 'cookie: username-nb="2|1:0|secret"', secret: 'secret', kept: 'cookie: [redacted]' },
  ])('removes the credential from "$text"', ({ text, secret, kept }) => {
    const redacted = redactCredentials(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain(kept);
  });
});

describe('Function: describeFailure', () => {
  it('names the error and never repeats a presigned URL query', () => {
    const error = Object.assign(new Error('fetch https://nb.example/auth?authToken=SECRET failed'), { name: 'TypeError' });
    expect(describeFailure(error)).toBe('TypeError: fetch https://nb.example/auth?[redacted] failed');
  });
});

describe('Function: failIfNoRegionWasRead', () => {
  it('fails only when every region has a region-wide failure', () => {
    // Prepare
    const failures = [{ region: 'us-east-1', stage: 'ListEndpoints', reason: 'AccessDenied' }];

    // Act & Assess
    expect(() => failIfNoRegionWasRead(['us-east-1', 'eu-west-1'], failures)).not.toThrow();
    expect(() => failIfNoRegionWasRead(['us-east-1'], failures)).toThrow(RunFailedError);
    expect(() => failIfNoRegionWasRead(['us-east-1'], failures)).toThrow('No region could be checked: us-east-1 ListEndpoints: AccessDenied');
    expect(() => failIfNoRegionWasRead([], [])).not.toThrow();
  });
});
