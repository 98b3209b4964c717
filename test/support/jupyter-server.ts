/**
 * A real Jupyter server (Debian's python3-jupyter-server and python3-ipykernel, installed by
 * .ci/run) on loopback, with a token. `presignedUrl` stands in for what
 * CreatePresignedNotebookInstanceUrl returns: a login URL that answers with a redirect and the
 * session cookie, after which the API only accepts that cookie.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** Debian's Python by default (where its packages live); `PYTHON` points elsewhere. */
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

/**
 * Whether this machine can run the real-server suites: undefined when it can, else why not (naming
 * the packages), so the suites skip with that reason rather than fail on a machine without them
 * (macOS, a fresh clone with only Node). CI installs them, so CI always runs the suites.
 */
function jupyterUnavailable(): string | undefined {
  // CI installs the packages: there a missing server is a failure to see, never a skip.
  if (process.env.CI) return undefined;
  const probe = spawnSync(PYTHON, ['-c', 'import jupyter_server, ipykernel'], { stdio: 'ignore' });
  if (probe.status === 0) return undefined;
  return `${PYTHON} cannot import jupyter_server and ipykernel: install Debian's python3-jupyter-server and python3-ipykernel (or set PYTHON to a Python that has them)`;
}

interface JupyterServer {
  readonly origin: string;
  readonly token: string;
  readonly presignedUrl: string;
  /** An API call as the user (token header): tracked activity, like a browser's. */
  api(path: string, init?: RequestInit): Promise<Response>;
  startKernel(): Promise<string>;
  /** Shuts every kernel and terminal down and waits until the server lists none. */
  clear(): Promise<void>;
  /**
   * The server's own clock, from its HTTP `Date` header (RFC 9110, 6.6.1; whole seconds): what it
   * stamps activity with, so a test's instants are taken from the server, never from the test's wall.
   */
  now(): Promise<Date>;
  /** Runs code in a kernel as a user's notebook would; resolves once the kernel reports busy. */
  execute(kernelId: string, code: string, waitFor: 'busy' | 'idle'): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startJupyterServer(): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const home = mkdtempSync(join(tmpdir(), 'ops-bot-jupyter-'));
  const child: ChildProcess = spawn(
    PYTHON,
    [
      '-m',
      'jupyter_server',
      '--allow-root',
      '--no-browser',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${home}`,
    ],
    {
      env: {
        ...process.env,
        HOME: home,
        JUPYTER_RUNTIME_DIR: join(home, 'runtime'),
        JUPYTER_DATA_DIR: join(home, 'data'),
        JUPYTER_CONFIG_DIR: join(home, 'config'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const origin = `http://127.0.0.1:${port}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${origin}${path}`, { ...init, headers: { authorization: `token ${token}`, 'content-type': 'application/json', ...init.headers } });

  const deadline = performance.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter_server exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await api('/api/status?no_track_activity=1')).ok) break;
    } catch {
      // Not listening yet: the loop waits and tries again until the deadline.
    }
    if (performance.now() > deadline) throw new Error(`jupyter_server did not start within 30 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const sockets: WebSocket[] = [];
  const now = async () => {
    const date = (await api('/api/status?no_track_activity=1')).headers.get('date');
    if (!date || Number.isNaN(Date.parse(date))) throw new Error('jupyter_server sent no Date header');
    return new Date(Date.parse(date));
  };
  return {
    now,
    origin,
    token,
    presignedUrl: `${origin}/login?next=%2Ftree&token=${token}`,
    api,
    async startKernel() {
      const response = await api('/api/kernels', { method: 'POST', body: JSON.stringify({ name: 'python3' }) });
      if (!response.ok) throw new Error(`cannot start a kernel: HTTP ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    async clear() {
      for (const kind of ['kernels', 'terminals'] as const) {
        const listed = (await (await api(`/api/${kind}?no_track_activity=1`)).json()) as Array<{ id?: string; name?: string }>;
        for (const item of listed) await api(`/api/${kind}/${item.id ?? item.name}`, { method: 'DELETE' });
      }
      const deadline = performance.now() + 10_000;
      while (performance.now() < deadline) {
        const kernels = (await (await api('/api/kernels?no_track_activity=1')).json()) as unknown[];
        const terminals = (await (await api('/api/terminals?no_track_activity=1')).json()) as unknown[];
        if (kernels.length === 0 && terminals.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('kernels or terminals still listed 10 s after shutdown');
    },
    async execute(kernelId, code, waitFor) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/kernels/${kernelId}/channels?token=${token}`);
      sockets.push(socket);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      // The message protocol stamps each message with the sender's time: the server's, here.
      const sentAt = (await now()).toISOString();
      const send = (msgType: string, content: Record<string, unknown>) => {
        const msgId = randomUUID();
        socket.send(
          JSON.stringify({
            header: { msg_id: msgId, username: 'user', session: randomUUID(), msg_type: msgType, version: '5.3', date: sentAt },
            parent_header: {},
            metadata: {},
            content,
            channel: 'shell',
            buffers: [],
          }),
        );
        return msgId;
      };
      const statusOf = (msgId: string, state: string) =>
        new Promise<void>((resolve) => {
          socket.on('message', (data) => {
            const message = JSON.parse(data.toString()) as { msg_type: string; parent_header: { msg_id?: string }; content: { execution_state?: string } };
            if (message.msg_type === 'status' && message.parent_header.msg_id === msgId && message.content.execution_state === state) resolve();
          });
        });
      // The server follows kernel state through its own iopub subscription, which can join late
      // (ZeroMQ's slow joiner) and miss the first messages: ping the kernel until the server has
      // seen one round trip, so that what it reports afterwards is what the kernel does.
      const deadline = performance.now() + 15_000;
      for (;;) {
        const ping = send('kernel_info_request', {});
        await statusOf(ping, 'idle');
        const kernel = (await (await api(`/api/kernels/${kernelId}?no_track_activity=1`)).json()) as { execution_state: string };
        if (kernel.execution_state === 'idle') break;
        if (performance.now() > deadline) throw new Error('the server never saw the kernel go idle');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const msgId = send('execute_request', { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true });
      await statusOf(msgId, waitFor);
      if (waitFor === 'idle') socket.close();
    },
    async stop() {
      for (const socket of sockets) socket.terminate();
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve(undefined);
        else child.once('exit', resolve);
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve(undefined);
        }, 5_000).unref();
      });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export { jupyterUnavailable, startJupyterServer };
export type { JupyterServer };
