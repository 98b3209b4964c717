import { describe, expect, it } from 'vitest';
import { describeFailure, noRegionWasRead, redactCredentials, RunFailedError } from '@ops-bot/shared/errors';

describe('Function: redactCredentials', () => {
  it.each([
    {
      text: 'GET https://nb.notebook.us-east-1.sagemaker.aws/auth?authToken=eyJhbGci failed',
      secret: 'eyJhbGci',
      kept: 'https://nb.notebook.us-east-1.sagemaker.aws/auth?[redacted]',
    },
    { text: 'token=abc123&x=1', secret: 'abc123', kept: 'token=[redacted]' },
    { text: 'X-Amz-Signature=deadbeef', secret: 'deadbeef', kept: 'X-Amz-Signature=[redacted]' },
    { text: 'cookie: username-nb="2|1:0|secret"', secret: 'secret', kept: 'cookie: [redacted]' },
    // A presigned URL percent-encoded inside another URL (a login's next= parameter, a logged redirect).
    {
      text: 'redirect to /login?next=https%3A%2F%2Fnb.notebook.us-east-1.sagemaker.aws%2Fauth%3FauthToken%3DeyJSECRET%26x%3D1 refused',
      secret: 'eyJSECRET',
      kept: 'https%3A%2F%2Fnb.notebook.us-east-1.sagemaker.aws%2Fauth%3F[redacted]',
    },
    { text: 'authToken%3DeyJSECRET', secret: 'eyJSECRET', kept: 'authToken%3D[redacted]' },
    // The token and the URL as JSON (a logged SDK response).
    { text: '{"AuthorizedUrl":"https://nb.example/auth?authToken=eyJSECRET","x":1}', secret: 'eyJSECRET', kept: '"AuthorizedUrl":"[redacted]"' },
    { text: '{"authToken": "eyJSECRET"}', secret: 'eyJSECRET', kept: '"authToken": "[redacted]"' },
    // jupyter_server's login cookie, wherever it shows up.
    { text: 'jar had username-127-0-0-1-8888="2|1:0|10:17|SECRETCOOKIE"; _xsrf=x', secret: 'SECRETCOOKIE', kept: 'username-127-0-0-1-8888=[redacted]' },
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

describe('Function: noRegionWasRead', () => {
  it('fails only when every region has a region-wide failure', () => {
    // Prepare
    const failures = [{ region: 'us-east-1', stage: 'ListEndpoints', reason: 'AccessDenied' }];

    // Act & Assess
    expect(noRegionWasRead(['us-east-1', 'eu-west-1'], failures)).toBeUndefined();
    expect(noRegionWasRead(['us-east-1'], failures)).toBeInstanceOf(RunFailedError);
    expect(noRegionWasRead(['us-east-1'], failures)?.message).toBe('No region could be checked: us-east-1 ListEndpoints: AccessDenied');
    expect(noRegionWasRead([], [])).toBeUndefined();
  });
});
