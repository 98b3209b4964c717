/**
 * Stands in for @aws-sdk/credential-provider-node inside the Lambda bundles only (see
 * esbuild.config.mjs). Lambda always hands a function its role's credentials in the standard
 * environment variables, so the full chain (SSO, INI files, STS, IMDS: ~90 KiB minified) is dead
 * weight there. Local runs (`npm run plan`, tests) are not bundled and keep the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type EnvProvider = ReturnType<typeof fromEnv>;

function defaultProvider(init: Parameters<typeof fromEnv>[0] = {}): EnvProvider {
  return fromEnv(init);
}

/** The SDK's refresh hooks for the chain; environment credentials are refreshed by Lambda itself. */
const credentialsWillNeedRefresh = (): boolean => false;
const credentialsTreatedAsExpired = (): boolean => false;

export { defaultProvider, credentialsWillNeedRefresh, credentialsTreatedAsExpired };
