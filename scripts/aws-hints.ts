/**
 * One line with the fix, for the AWS errors a person at a terminal can fix: no credentials, an
 * expired session, a denied action. CLI only. The line names the action and never a credential.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';

/** `… is not authorized to perform: sagemaker:ListEndpoints on resource …` → `sagemaker:ListEndpoints`. */
function deniedAction(message: string): string | undefined {
  return /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1];
}

/** The fix for an error (or a failure's text), or undefined when it is not one a person can fix from here. */
function credentialHint(error: unknown): string | undefined {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials|CredentialsProviderError/.test(message)) {
    return 'no AWS credentials found: set AWS_PROFILE to a profile in ~/.aws/config (then "aws sso login --profile <name>" for SSO), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; a dry run needs read access only';
  }
  if (
    /ExpiredToken|TokenRefreshRequired|security token included in the request is expired|Token is expired|SSO session .* expired/i.test(`${name} ${message}`)
  ) {
    return 'your AWS session has expired: run "aws sso login" (or refresh your credentials) and try again';
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized to perform/i.test(`${name} ${message}`)) {
    const action = deniedAction(message);
    return `AWS denied ${action ?? 'a call'} to the identity you run as: grant it ${action ?? 'the action'} (docs/iam-and-trust.md lists what each job reads; the deployed functions' roles already hold it)`;
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|getaddrinfo/.test(`${name} ${message}`)) {
    return 'AWS could not be reached (no network, or a region or endpoint that does not exist): check your connection and AWS_REGION; "npm run demo" works offline, and --snapshot FILE replays a recording';
  }
  if (/Region is missing|region is missing/i.test(message)) {
    return 'no AWS region: set AWS_REGION (or REGIONS, or a region in your AWS profile or the config file)';
  }
  return undefined;
}

/**
 * What a script prints when it fails: the fix when it is the environment's (credentials, session,
 * permission, network, region), else the message alone; never an error's class name.
 */
function userFacingError(error: unknown): string {
  return credentialHint(error) ?? (error instanceof Error ? error.message : String(error));
}

/** The distinct fixes for a run's recorded failure texts, one line each. */
function credentialHints(failures: readonly string[]): string[] {
  return [...new Set(failures.map((failure) => credentialHint(failure)).filter((hint): hint is string => hint !== undefined))];
}

/**
 * Before a live run: credentials resolve, or the one-line fix. Resolving reads the profile (and, for
 * SSO, its cached token); it makes no AWS request of its own beyond what the credential chain does.
 */
async function checkCredentials(): Promise<string | undefined> {
  try {
    await new SageMakerClient({ region: 'us-east-1' }).config.credentials();
    return undefined;
  } catch (error) {
    return credentialHint(error) ?? `AWS credentials could not be read: ${(error as Error).message}`;
  }
}

export { credentialHint, credentialHints, checkCredentials, userFacingError };
