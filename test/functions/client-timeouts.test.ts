/**
 * Every AWS call is bounded: a service that accepts the connection and never answers must not hold
 * a run until the Lambda timeout. The real SDK stack, against a loopback server that never answers.
 * (Its own file: aws-sdk-client-mock stubs every client of a class in the file that mocks it.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parseIdleEndpointsConfig } from '@ops-bot/shared/config';
import { runIdleEndpoints } from '@ops-bot/shared/jobs/idle-endpoints';
import { createIdleEndpointsClients, liveIdleEndpointsDeps } from '@ops-bot/shared/live/idle-endpoints';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Client timeouts', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.closeAllConnections?.() ?? server.close()));
  afterEach(() => vi.unstubAllEnvs());

  it('bounds every AWS call: a service that never answers fails the run quickly instead of holding it', async () => {
    // Prepare: the real SDK stack, pointed at a loopback server that never answers.
    const url = await silentServer();
    vi.stubEnv('AWS_ENDPOINT_URL', url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const clients = createIdleEndpointsClients({ maxAttempts: 2, requestHandler: { connectionTimeout: 300, requestTimeout: 300 } });
    const deps = liveIdleEndpointsDeps(parseIdleEndpointsConfig({ AWS_REGION: 'us-east-1' }), clients, silent);

    // Act
    const run = runIdleEndpoints({ dryRun: true, action: 'check' }, deps);

    // Assess: the region could not be read, said as such; nothing hung.
    await expect(run).rejects.toThrow(/No region could be checked: us-east-1 ListEndpoints: .*(TimeoutError|timed out|timeout)/i);
  });

  async function silentServer(): Promise<string> {
    const server = createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
});
