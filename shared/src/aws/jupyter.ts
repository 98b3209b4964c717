/**
 * Reads a notebook instance's activity from its own Jupyter server, the only true idle signal
 * (notebook instances publish no CloudWatch metrics). Opens the presigned URL SageMaker returns,
 * following redirects by hand so the login cookies are kept, then lists sessions, kernels and
 * terminals with `no_track_activity=1`, so that looking is not itself activity. Never connects to
 * a kernel's channels (that would send it a kernel_info request and disturb its state).
 *
 * The presigned URL, its query and the cookies are credentials: no error, log line or report
 * carries them; errors name only the path that failed.
 */

import type { JupyterActivity, KernelActivity, TerminalActivity } from '../domain/notebooks.ts';

class JupyterReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JupyterReadError';
  }
}

interface JupyterClientOptions {
  /** Per request; a notebook in a private network may never answer. */
  readonly timeoutMs: number;
  readonly maxRedirects?: number;
}

const API_PATHS = { sessions: '/api/sessions', kernels: '/api/kernels', terminals: '/api/terminals', status: '/api/status' } as const;

/** Name and value of each Set-Cookie; attributes do not matter for one short visit to one host. */
function collectCookies(headers: Headers, jar: Map<string, string>): void {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';', 1)[0] ?? '';
    const equals = pair.indexOf('=');
    if (equals > 0) jar.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
  }
}

function cookieHeader(jar: ReadonlyMap<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** A failure described by what it was doing, never by the URL it was doing it with. */
function networkFailure(error: unknown, what: string, timeoutMs: number): JupyterReadError {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new JupyterReadError(`${what}: no answer within ${timeoutMs} ms`);
  const code = ((error as { cause?: { code?: string } } | undefined)?.cause?.code ?? name ?? 'network error').toString();
  return new JupyterReadError(`${what}: could not connect (${code})`);
}

async function readJupyterActivity(presignedUrl: string, options: JupyterClientOptions): Promise<JupyterActivity> {
  const maxRedirects = options.maxRedirects ?? 5;
  const jar = new Map<string, string>();
  let url: URL;
  try {
    url = new URL(presignedUrl);
  } catch {
    throw new JupyterReadError('the presigned URL could not be parsed');
  }
  const origin = url.origin;

  // The login: follow redirects ourselves, keeping every cookie set on the way.
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: 'manual',
        headers: jar.size > 0 ? { cookie: cookieHeader(jar) } : {},
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw networkFailure(error, hop === 0 ? 'opening the presigned URL' : 'following the login redirect', options.timeoutMs);
    }
    collectCookies(response.headers, jar);
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) throw new JupyterReadError(`login refused (HTTP ${response.status})`);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) break;
    if (hop >= maxRedirects) throw new JupyterReadError(`more than ${maxRedirects} login redirects`);
    const next = new URL(location, url);
    if (next.origin !== origin) throw new JupyterReadError('the login redirected away from the notebook host');
    url = next;
  }
  if (jar.size === 0) throw new JupyterReadError('the login set no cookie');

  const get = async (path: string): Promise<unknown> => {
    const target = new URL(path, origin);
    target.searchParams.set('no_track_activity', '1');
    let response: Response;
    try {
      // Never follow a redirect here: the cookie jar would go along, and an answer from somewhere
      // else (a login page, another host's `[]`) could make a busy notebook look idle.
      response = await fetch(target, {
        redirect: 'manual',
        headers: { cookie: cookieHeader(jar), accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw networkFailure(error, `GET ${path}`, options.timeoutMs);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new JupyterReadError(`GET ${path} answered a redirect (HTTP ${response.status}), which is not followed`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new JupyterReadError(`GET ${path} answered HTTP ${response.status}`);
    }
    try {
      return await response.json();
    } catch {
      throw new JupyterReadError(`GET ${path} answered something that is not JSON`);
    }
  };

  const [sessions, kernels, terminals, status] = await Promise.all([
    get(API_PATHS.sessions),
    get(API_PATHS.kernels),
    get(API_PATHS.terminals),
    get(API_PATHS.status),
  ]);
  return {
    sessions: readList(sessions, API_PATHS.sessions).length,
    kernels: readList(kernels, API_PATHS.kernels).map((kernel) => readKernel(kernel)),
    terminals: readList(terminals, API_PATHS.terminals).map((terminal) => readTerminal(terminal)),
    ...readServerActivity(status),
  };
}

function readList(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new JupyterReadError(`GET ${path} answered JSON that is not a list`);
  return value;
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function readKernel(value: unknown): KernelActivity {
  const kernel = value as Record<string, unknown> | null;
  if (!kernel || typeof kernel.id !== 'string' || typeof kernel.execution_state !== 'string' || !isTimestamp(kernel.last_activity)) {
    throw new JupyterReadError('GET /api/kernels answered a kernel without id, execution_state or last_activity');
  }
  return {
    id: kernel.id,
    executionState: kernel.execution_state,
    lastActivity: kernel.last_activity,
    connections: typeof kernel.connections === 'number' ? kernel.connections : 0,
  };
}

function readTerminal(value: unknown): TerminalActivity {
  const terminal = value as Record<string, unknown> | null;
  if (!terminal || typeof terminal.name !== 'string') throw new JupyterReadError('GET /api/terminals answered a terminal without a name');
  return { name: terminal.name, ...(isTimestamp(terminal.last_activity) ? { lastActivity: terminal.last_activity } : {}) };
}

function readServerActivity(value: unknown): { serverLastActivity?: string } {
  const status = value as Record<string, unknown> | null;
  return status && isTimestamp(status.last_activity) ? { serverLastActivity: status.last_activity } : {};
}

export { readJupyterActivity, JupyterReadError };
export type { JupyterClientOptions };
