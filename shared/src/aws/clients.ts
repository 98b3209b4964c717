/**
 * SDK clients, one per service and region, created on first use and reused for the life of the
 * Lambda container. Each job builds only the clients it uses, so a bundle carries no client it
 * never calls. Region, endpoint URL and credentials come from the standard SDK environment
 * (AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, the credential chain).
 */
import { CLIENT_RETRY_SETTINGS, CLIENT_TIMEOUT_SETTINGS } from './retry.ts';

interface ClientSettings {
  readonly region: string;
  readonly maxAttempts: number;
  readonly retryMode: string;
  readonly requestHandler: { readonly connectionTimeout: number; readonly requestTimeout: number; readonly throwOnRequestTimeout: boolean };
}

type ClientOverrides = { readonly maxAttempts?: number; readonly requestHandler?: Partial<ClientSettings['requestHandler']> };

/** `overrides` exist for tests that need a hanging service to time out in milliseconds. */
function clientPerRegion<C>(create: (settings: ClientSettings) => C, overrides: ClientOverrides = {}): (region: string) => C {
  const clients = new Map<string, C>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      const requestHandler = { ...CLIENT_TIMEOUT_SETTINGS.requestHandler, ...overrides.requestHandler };
      client = create({ region, ...CLIENT_RETRY_SETTINGS, ...overrides, requestHandler });
      clients.set(region, client);
    }
    return client;
  };
}

/** arn:aws:sns:<region>:<account>:<name> → <region>; a resource is called in its own region. */
function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!region) throw new Error(`cannot read a region from ARN ${arn}`);
  return region;
}

export { clientPerRegion, regionOfArn };
export type { ClientSettings, ClientOverrides };
