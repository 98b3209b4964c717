/**
 * The notebook activity client and the idle rule against a REAL Jupyter server on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JupyterReadError, readJupyterActivity } from '@ops-bot/shared/aws/jupyter';
import { decideNotebook, type NotebookSnapshot } from '@ops-bot/shared/domain/notebooks';
import { jupyterUnavailable, startJupyterServer, type JupyterServer } from '../support/jupyter-server.ts';

const JUPYTER_MISSING = jupyterUnavailable();
// Said once, so a skipped suite is never mistaken for a passing one.
if (JUPYTER_MISSING) console.warn(`Skipping the real-Jupyter suites: ${JUPYTER_MISSING}`);

const options = { timeoutMs: 5_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The server learns a kernel's state from its own iopub subscription, a moment after the user's
 * socket does: read (as the bot does) until the server reports the state, or give up after 10 s.
 */
async function readUntilKernel(server: JupyterServer, kernelId: string, state: string) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const activity = await readJupyterActivity(server.presignedUrl, options);
    if (activity.kernels.find((k) => k.id === kernelId)?.executionState === state || performance.now() > deadline) return activity;
    await sleep(100);
  }
}

/** The notebook as the rules see it; `serverNow`, the server's own clock, places its last start or stop 6 h before. */
function snapshotOf(activity: Awaited<ReturnType<typeof readJupyterActivity>>, serverNow: Date): NotebookSnapshot {
  return {
    region: 'us-east-1',
    name: 'nb',
    arn: 'arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb',
    status: 'InService',
    instanceType: 'ml.t3.medium',
    lastModifiedAt: new Date(serverNow.getTime() - 6 * 3_600_000).toISOString(),
    tags: {},
    activity: { status: 'read', ...activity },
  };
}

describe.skipIf(JUPYTER_MISSING)('Integration: Jupyter activity on a real jupyter_server', () => {
  let server: JupyterServer;
  beforeAll(async () => {
    server = await startJupyterServer();
  }, 60_000);
  afterAll(async () => server?.stop());
  afterEach(async () => server?.clear());

  it('logs in through the redirect, keeping the cookies: the API accepts nothing else', async () => {
    // Prepare: without the cookie (and without the token) the API refuses.
    const anonymous = await fetch(`${server.origin}/api/kernels`);

    // Act
    const activity = await readJupyterActivity(server.presignedUrl, options);

    // Assess
    expect(anonymous.status).toBe(403);
    expect(activity).toMatchObject({ sessions: 0, kernels: [], terminals: [] });
    expect(activity.serverLastActivity).toEqual(expect.any(String));
  });

  it('reads without refreshing activity (no_track_activity), unlike a tracked request', async () => {
    // Prepare
    const kernelId = await server.startKernel();
    await server.execute(kernelId, 'x = 1', 'idle');
    const before = await readUntilKernel(server, kernelId, 'idle');
    await sleep(1_200);

    // Act
    const after = await readJupyterActivity(server.presignedUrl, options);
    await server.api('/api/kernels');
    const afterTracked = await readJupyterActivity(server.presignedUrl, options);

    // Assess
    expect(after.serverLastActivity).toBe(before.serverLastActivity);
    expect(after.kernels.find((k) => k.id === kernelId)?.lastActivity).toBe(before.kernels.find((k) => k.id === kernelId)?.lastActivity);
    expect(Date.parse(afterTracked.serverLastActivity ?? '')).toBeGreaterThan(Date.parse(before.serverLastActivity ?? ''));
  });

  it('sees a kernel running a long cell as busy, and never stops it', async () => {
    // Prepare
    const kernelId = await server.startKernel();
    await server.execute(kernelId, 'import time\ntime.sleep(60)', 'busy');

    // Act
    const activity = await readUntilKernel(server, kernelId, 'busy');
    // An hour after the server's own clock.
    const serverNow = await server.now();
    const verdict = decideNotebook(snapshotOf(activity, serverNow), { idleMinutes: 1, ignoreConnections: true }, new Date(serverNow.getTime() + 3_600_000));

    // Assess
    expect(activity.kernels.find((k) => k.id === kernelId)?.executionState).toBe('busy');
    expect(verdict).toMatchObject({ verdict: 'busy', detail: 'a kernel is busy' });
  });

  it('sees a kernel left idle past a short threshold as idle', async () => {
    // Prepare
    const kernelId = await server.startKernel();
    await server.execute(kernelId, 'print("done")', 'idle');
    const activity = await readUntilKernel(server, kernelId, 'idle');
    const kernel = activity.kernels.find((k) => k.id === kernelId);
    const lastUse = Date.parse(kernel?.lastActivity ?? '');

    // Act: the same readings judged 30 s and 2 min after the last use, with a 1-minute threshold.
    const snapshot = snapshotOf(activity, new Date(lastUse));
    const soon = decideNotebook(snapshot, { idleMinutes: 1, ignoreConnections: true }, new Date(lastUse + 30_000));
    const later = decideNotebook(snapshot, { idleMinutes: 1, ignoreConnections: true }, new Date(lastUse + 120_000));

    // Assess
    expect(kernel?.executionState).toBe('idle');
    expect(soon.verdict).toBe('busy');
    expect(later).toMatchObject({ verdict: 'stop', why: 'idle', idleMinutes: 2 });
  });

  it('counts a terminal as activity', async () => {
    // Prepare
    const created = (await (await server.api('/api/terminals', { method: 'POST' })).json()) as { name: string };

    // Act
    const activity = await readJupyterActivity(server.presignedUrl, options);
    const terminal = activity.terminals.find((t) => t.name === created.name);
    const lastUse = Date.parse(terminal?.lastActivity ?? '');
    const verdict = decideNotebook(snapshotOf(activity, new Date(lastUse)), { idleMinutes: 60, ignoreConnections: true }, new Date(lastUse + 10 * 60_000));

    // Assess
    expect(terminal?.lastActivity).toEqual(expect.any(String));
    expect(verdict).toMatchObject({ verdict: 'busy', detail: expect.stringContaining('active 10 min ago') });
  });
});

describe('Integration: Jupyter that cannot be read', () => {
  const servers: Server[] = [];
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  afterAll(() => servers.forEach((server) => server.closeAllConnections?.() ?? server.close()));

  it('says it could not connect to a closed port, without the URL or its token', async () => {
    // Prepare
    const origin = await serve(() => undefined);
    const port = new URL(origin).port;
    servers.pop()?.close();

    // Act
    const read = readJupyterActivity(`http://127.0.0.1:${port}/auth?authToken=SECRET-TOKEN`, { timeoutMs: 2_000 });

    // Assess
    await expect(read).rejects.toThrow(JupyterReadError);
    await expect(read).rejects.toThrow(/opening the presigned URL: could not connect \(ECONNREFUSED\)/);
    await read.catch((error: Error) => expect(`${error.message} ${error.stack}`).not.toContain('SECRET-TOKEN'));
  });

  it('gives up on a server that never answers', async () => {
    // Prepare
    const origin = await serve(() => undefined);

    // Act & Assess
    await expect(readJupyterActivity(`${origin}/auth?authToken=SECRET`, { timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
  });

  it('rejects answers it cannot read', async () => {
    // Prepare: logs in fine, then answers HTML where JSON belongs.
    const origin = await serve((request, response) => {
      if (request.url?.startsWith('/auth')) response.writeHead(302, { location: '/tree', 'set-cookie': 'session=abc; HttpOnly' }).end();
      else if (request.url?.startsWith('/tree')) response.writeHead(200).end('<html></html>');
      else if (request.headers.cookie !== 'session=abc') response.writeHead(403).end();
      else response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy error</html>');
    });

    // Act & Assess
    await expect(readJupyterActivity(`${origin}/auth?authToken=SECRET`, { timeoutMs: 2_000 })).rejects.toThrow(/answered something that is not JSON/);
  });

  it('treats a redirect on an API read as a failed read, never following it elsewhere', async () => {
    // Prepare: the login works; every /api/* read redirects to another origin that answers [] (which,
    // followed, would make a busy notebook look idle).
    const elsewhere = await serve((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
    const origin = await serve((request, response) => {
      if (request.url?.startsWith('/auth')) response.writeHead(302, { location: '/tree', 'set-cookie': 'session=abc; HttpOnly' }).end();
      else if (request.url?.startsWith('/tree')) response.writeHead(200).end('<html></html>');
      else response.writeHead(302, { location: `${elsewhere}${request.url ?? ''}` }).end();
    });

    // Act & Assess
    await expect(readJupyterActivity(`${origin}/auth?authToken=SECRET`, { timeoutMs: 2_000 })).rejects.toThrow(
      /GET \/api\/\w+ answered a redirect \(HTTP 302\), which is not followed/,
    );
  });

  it('refuses a login that redirects to another host', async () => {
    // Prepare
    const origin = await serve((_, response) => response.writeHead(302, { location: 'http://127.0.0.2:9/steal', 'set-cookie': 'session=abc' }).end());

    // Act & Assess
    await expect(readJupyterActivity(`${origin}/auth?authToken=SECRET`, { timeoutMs: 2_000 })).rejects.toThrow(/redirected away from the notebook host/);
  });
});
