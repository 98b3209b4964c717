/**
 * When a notebook instance may be stopped. Pure: the instance, what its Jupyter said (or why it
 * could not be read), the policy and the clock in; a verdict out. The rule is the on-instance
 * reference script's (aws-samples autostop), decided from outside and made safer: anything that
 * might be in use is left running.
 */
import { isSkipped, type Tags } from './tags.ts';
import type { SavingsAction } from './savings.ts';

const MINUTE_MS = 60_000;

/** What a notebook's own Jupyter server says about its use (see aws/jupyter.ts). */
interface KernelActivity {
  readonly id: string;
  readonly executionState: string;
  readonly lastActivity: string;
  readonly connections: number;
}

interface TerminalActivity {
  readonly name: string;
  readonly lastActivity?: string;
}

interface JupyterActivity {
  readonly sessions: number;
  readonly kernels: readonly KernelActivity[];
  readonly terminals: readonly TerminalActivity[];
  /** The server-wide last_activity (/api/status), moved by any tracked API request. */
  readonly serverLastActivity?: string;
}

type NotebookActivity = ({ readonly status: 'read' } & JupyterActivity) | { readonly status: 'unknown'; readonly reason: string };

interface NotebookSnapshot {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly instanceType: string;
  /** Moves on start, stop and update, not on use: the fallback when Jupyter shows nothing open. */
  readonly lastModifiedAt: string;
  /** CreationTime (ISO 8601): the bot's state names the notebook by ARN and this. */
  readonly createdAt?: string | undefined;
  readonly tags: Tags;
  /** Read only for InService, non-skipped instances. */
  readonly activity?: NotebookActivity;
}

interface NotebookPolicy {
  readonly idleMinutes: number;
  /**
   * True (default): open browser connections alone do not make a notebook busy, so kernel
   * websocket connections and the server-wide API activity (which an open JupyterLab tab keeps
   * moving by polling) are ignored. False: either one counts as use.
   */
  readonly ignoreConnections: boolean;
  /** Stop an instance whose Jupyter cannot be read once it has run this long; off when undefined. */
  readonly maxRunningHours?: number;
}

type NotebookVerdict =
  | { readonly verdict: 'stop'; readonly why: 'idle' | 'max-running-hours'; readonly idleMinutes?: number; readonly detail: string }
  | { readonly verdict: 'busy'; readonly detail: string }
  | { readonly verdict: 'unknown'; readonly detail: string }
  | { readonly verdict: 'skipped' }
  | { readonly verdict: 'not-running' };

function minutesBetween(earlier: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(earlier)) / MINUTE_MS);
}

function decideNotebook(notebook: NotebookSnapshot, policy: NotebookPolicy, now: Date): NotebookVerdict {
  if (isSkipped(notebook.tags)) return { verdict: 'skipped' };
  if (notebook.status !== 'InService') return { verdict: 'not-running' };
  const activity = notebook.activity;
  if (!activity || activity.status === 'unknown') {
    const reason = activity?.reason ?? 'Jupyter was not read';
    const runningHours = minutesBetween(notebook.lastModifiedAt, now) / 60;
    if (policy.maxRunningHours !== undefined && runningHours >= policy.maxRunningHours) {
      return {
        verdict: 'stop',
        why: 'max-running-hours',
        detail: `activity unknown (${reason}), running ${Math.floor(runningHours)} h, over the ${policy.maxRunningHours} h limit`,
      };
    }
    return { verdict: 'unknown', detail: `activity unknown: ${reason}` };
  }

  // A kernel that says anything but idle may be running a cell: busy, whatever its timestamps say.
  // A dead kernel can run nothing (jupyter_client's `dead` state): it counts as idle.
  const working = activity.kernels.find((kernel) => kernel.executionState !== 'idle' && kernel.executionState !== 'dead');
  if (working) return { verdict: 'busy', detail: `a kernel is ${working.executionState}` };
  if (!policy.ignoreConnections) {
    const connected = activity.kernels.find((kernel) => kernel.connections > 0);
    if (connected) return { verdict: 'busy', detail: `a browser is connected to a kernel (${connected.connections} connection(s))` };
  }
  if (activity.terminals.some((terminal) => terminal.lastActivity === undefined)) {
    return { verdict: 'busy', detail: 'a terminal is open and reports no activity time' };
  }

  const moments = [
    ...activity.kernels.map((kernel) => kernel.lastActivity),
    ...activity.terminals.flatMap((terminal) => (terminal.lastActivity ? [terminal.lastActivity] : [])),
    ...(!policy.ignoreConnections && activity.serverLastActivity ? [activity.serverLastActivity] : []),
  ];
  const nothingOpen = activity.kernels.length === 0 && activity.terminals.length === 0;
  const since = nothingOpen ? notebook.lastModifiedAt : moments.reduce((latest, moment) => (Date.parse(moment) > Date.parse(latest) ? moment : latest));
  const idleMinutes = Math.max(0, minutesBetween(since, now));
  const basis = nothingOpen ? 'no kernels or terminals; counted from the last start or update' : 'last kernel or terminal activity';
  if (idleMinutes >= policy.idleMinutes) return { verdict: 'stop', why: 'idle', idleMinutes, detail: `idle ${idleMinutes} min (${basis})` };
  return { verdict: 'busy', detail: `active ${idleMinutes} min ago (${basis})` };
}

/** The tag that tells anyone in the console what the bot did and why. Tag values allow no `,` or `"`. */
function lastActionTag(verdict: Extract<NotebookVerdict, { verdict: 'stop' }>, now: Date): string {
  const what = verdict.why === 'idle' ? `stopped: idle ${verdict.idleMinutes} min` : 'stopped: ran past max running hours with activity unknown';
  return `${what} at ${now.toISOString().slice(0, 16)}Z`;
}

/** What a run did, or would do, to one notebook. */
interface NotebookOutcome {
  readonly region: string;
  readonly name: string;
  readonly instanceType: string;
  readonly verdict: string;
  readonly detail: string;
  readonly costPerDay?: number | undefined;
  readonly result: 'planned' | 'done' | 'failed' | 'none';
  readonly error?: string;
  /** The bot's previous stop of this notebook, realized now that it stops it again (the savings ledger). */
  readonly realized?: { readonly action: SavingsAction; readonly saved: number } | undefined;
  /** Not read because the run stopped starting work before the Lambda timeout. */
  readonly outOfTime?: boolean;
  /** The bot's state on it did not verify (the StateRejected metric counts it). */
  readonly stateRejected?: boolean;
}

export { decideNotebook, lastActionTag };
export type { NotebookOutcome, NotebookSnapshot, NotebookPolicy, NotebookVerdict, NotebookActivity, JupyterActivity, KernelActivity, TerminalActivity };
