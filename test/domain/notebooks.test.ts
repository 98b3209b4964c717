import { describe, expect, it } from 'vitest';
import { decideNotebook, lastActionTag, type NotebookSnapshot } from '@ops-bot/shared/domain/notebooks';

const NOW = new Date('2026-11-20T15:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const policy = { idleMinutes: 60, ignoreConnections: true };

function notebook(overrides: Partial<NotebookSnapshot> = {}): NotebookSnapshot {
  return {
    region: 'us-east-1',
    name: 'nb-1',
    arn: 'arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb-1',
    status: 'InService',
    instanceType: 'ml.t3.medium',
    lastModifiedAt: minutesAgo(600),
    tags: {},
    activity: { status: 'read', sessions: 1, kernels: [{ id: 'k1', executionState: 'idle', lastActivity: minutesAgo(90), connections: 0 }], terminals: [] },
    ...overrides,
  };
}

const kernel = (executionState: string, idle: number, connections = 0) => ({
  id: `k-${executionState}-${idle}`,
  executionState,
  lastActivity: minutesAgo(idle),
  connections,
});

describe('Function: decideNotebook', () => {
  it.each([
    { case: 'an idle kernel past the threshold', snapshot: notebook(), verdict: 'stop', detail: /idle 90 min/ },
    {
      case: 'an idle kernel used 30 min ago',
      snapshot: notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('idle', 30)], terminals: [] } }),
      verdict: 'busy',
      detail: /active 30 min ago/,
    },
    {
      case: 'a busy kernel, however old its activity',
      snapshot: notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('busy', 500)], terminals: [] } }),
      verdict: 'busy',
      detail: /a kernel is busy/,
    },
    {
      case: 'a starting kernel',
      snapshot: notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('starting', 500)], terminals: [] } }),
      verdict: 'busy',
      detail: /starting/,
    },
    // A dead kernel can run nothing: its idleness counts like an idle kernel's.
    {
      case: 'a dead kernel, long unused',
      snapshot: notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('dead', 500)], terminals: [] } }),
      verdict: 'stop',
      detail: /idle 500 min/,
    },
    {
      case: 'a dead kernel beside a busy one',
      snapshot: notebook({ activity: { status: 'read', sessions: 2, kernels: [kernel('dead', 500), kernel('busy', 500)], terminals: [] } }),
      verdict: 'busy',
      detail: /a kernel is busy/,
    },
    {
      case: 'one idle and one busy kernel',
      snapshot: notebook({ activity: { status: 'read', sessions: 2, kernels: [kernel('idle', 500), kernel('busy', 500)], terminals: [] } }),
      verdict: 'busy',
      detail: /busy/,
    },
    {
      case: 'an old kernel and a terminal used 10 min ago',
      snapshot: notebook({
        activity: { status: 'read', sessions: 1, kernels: [kernel('idle', 500)], terminals: [{ name: '1', lastActivity: minutesAgo(10) }] },
      }),
      verdict: 'busy',
      detail: /active 10 min ago/,
    },
    {
      case: 'a terminal without an activity time',
      snapshot: notebook({ activity: { status: 'read', sessions: 0, kernels: [], terminals: [{ name: '1' }] } }),
      verdict: 'busy',
      detail: /terminal/,
    },
    {
      case: 'nothing open, started 2 h ago',
      snapshot: notebook({ lastModifiedAt: minutesAgo(120), activity: { status: 'read', sessions: 0, kernels: [], terminals: [] } }),
      verdict: 'stop',
      detail: /idle 120 min \(no kernels or terminals/,
    },
    {
      case: 'nothing open, started 20 min ago',
      snapshot: notebook({ lastModifiedAt: minutesAgo(20), activity: { status: 'read', sessions: 0, kernels: [], terminals: [] } }),
      verdict: 'busy',
      detail: /active 20 min ago/,
    },
    {
      case: 'an idle kernel with a browser connected (connections ignored by default)',
      snapshot: notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('idle', 90, 2)], terminals: [], serverLastActivity: minutesAgo(1) } }),
      verdict: 'stop',
      detail: /idle 90 min/,
    },
    {
      case: 'Jupyter unreachable',
      snapshot: notebook({ activity: { status: 'unknown', reason: 'GET /api/kernels: no answer within 5000 ms' } }),
      verdict: 'unknown',
      detail: /activity unknown: GET \/api\/kernels/,
    },
    { case: 'skipped', snapshot: notebook({ tags: { 'ops-bot:skip': 'true' } }), verdict: 'skipped', detail: undefined },
    { case: 'stopped already', snapshot: notebook({ status: 'Stopped' }), verdict: 'not-running', detail: undefined },
  ])('decides $verdict for $case', ({ snapshot, verdict, detail }) => {
    // Act
    const result = decideNotebook(snapshot, policy, NOW);

    // Assess
    expect(result.verdict).toBe(verdict);
    if (detail) expect('detail' in result ? result.detail : '').toMatch(detail);
  });

  it('counts browser connections and server API activity as use when told to', () => {
    // Prepare
    const connected = notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('idle', 90, 1)], terminals: [] } });
    const polling = notebook({ activity: { status: 'read', sessions: 1, kernels: [kernel('idle', 90)], terminals: [], serverLastActivity: minutesAgo(2) } });
    const counting = { ...policy, ignoreConnections: false };

    // Act & Assess
    expect(decideNotebook(connected, counting, NOW)).toMatchObject({ verdict: 'busy', detail: expect.stringContaining('browser is connected') });
    expect(decideNotebook(polling, counting, NOW)).toMatchObject({ verdict: 'busy', detail: expect.stringContaining('active 2 min ago') });
  });

  it('stops an unreadable notebook only under the optional max-running-hours rule', () => {
    // Prepare
    const unreadable = notebook({ lastModifiedAt: minutesAgo(13 * 60), activity: { status: 'unknown', reason: 'timeout' } });

    // Act & Assess
    expect(decideNotebook(unreadable, policy, NOW).verdict).toBe('unknown');
    expect(decideNotebook(unreadable, { ...policy, maxRunningHours: 12 }, NOW)).toMatchObject({ verdict: 'stop', why: 'max-running-hours' });
    expect(decideNotebook(unreadable, { ...policy, maxRunningHours: 24 }, NOW).verdict).toBe('unknown');
  });
});

describe('Function: lastActionTag', () => {
  it('says what was done in characters a SageMaker tag value allows', () => {
    // Act
    const tag = lastActionTag({ verdict: 'stop', why: 'idle', idleMinutes: 75, detail: '' }, NOW);

    // Assess
    expect(tag).toBe('stopped: idle 75 min at 2026-11-20T15:00Z');
    expect(tag).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
  });
});
