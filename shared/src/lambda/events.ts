/**
 * Invocation events, validated before any AWS call. Every function takes `{"dryRun": true}`;
 * an unknown key or a wrong type is an error that names the field, so a typo never runs a real
 * action by accident.
 */
import { InvalidEventError } from '../errors.ts';
import { checkUntil, type RestoreRules, type RestoreTime } from '../domain/weekend-schedule.ts';
import { lastMonth, parseMonth, type Month } from '../domain/savings.ts';

type EventObject = Readonly<Record<string, unknown>>;

/** Scheduler and `aws lambda invoke` without a payload both count as the empty event. */
/**
 * Fields an earlier version took and this one refuses by name. `adopt` had the bot sign, on any
 * invoker's word, whatever state it found on a resource; the bot's state now lives in its table and
 * only the bot writes it, so there is nothing an invoker may hand it.
 */
const RETIRED_FIELDS: Readonly<Record<string, string>> = {
  adopt:
    "is no longer accepted: the bot acts only on state in its own table, never on state an event or a tag hands it (see docs on the state table's one-time import)",
};

function readEventObject(raw: unknown, allowedKeys: readonly string[]): EventObject {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidEventError('event', `must be a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  for (const key of Object.keys(raw)) {
    const retired = RETIRED_FIELDS[key];
    if (retired) throw new InvalidEventError(key, retired);
    if (!allowedKeys.includes(key)) {
      throw new InvalidEventError(key, `is not a known field (allowed: ${allowedKeys.join(', ')})`);
    }
  }
  return raw as EventObject;
}

function optionalBoolean(event: EventObject, field: string, fallback: boolean): boolean {
  const value = event[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidEventError(field, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

interface DryRunEvent {
  readonly dryRun: boolean;
}

function parseDryRunEvent(raw: unknown): DryRunEvent {
  const event = readEventObject(raw, ['dryRun']);
  return { dryRun: optionalBoolean(event, 'dryRun', false) };
}

/**
 * idle-endpoints: the daily check (`{}`), or the undo of an idle action on one endpoint:
 * `{"action": "restore" | "recreate", "endpoint": "name", "region": "us-east-1"}` (region defaults
 * to the function's first region).
 */
type IdleEndpointsEvent = DryRunEvent &
  (
    | { readonly action: 'check' }
    | {
        readonly action: 'restore' | 'recreate';
        readonly endpoint: string;
        readonly region: string;
      }
  );

/** SageMaker endpoint names (SageMaker API Reference, CreateEndpoint: EndpointName). */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function idleEndpointsEventParser(regions: readonly string[]): (raw: unknown) => IdleEndpointsEvent {
  return (raw) => {
    const event = readEventObject(raw, ['dryRun', 'action', 'endpoint', 'region']);
    const dryRun = optionalBoolean(event, 'dryRun', false);
    // Absent means the daily check; null is a wrong type like any other, never a silent default.
    const action = event.action === undefined ? 'check' : event.action;
    if (action !== 'check' && action !== 'restore' && action !== 'recreate') {
      throw new InvalidEventError('action', `must be "restore" or "recreate" (or absent for the daily check), got ${JSON.stringify(action)}`);
    }
    if (action === 'check') {
      for (const field of ['endpoint', 'region'])
        if (event[field] !== undefined) throw new InvalidEventError(field, 'only goes with "action": "restore" or "recreate"');
      return { dryRun, action };
    }
    const endpoint = event.endpoint;
    if (typeof endpoint !== 'string' || !ENDPOINT_NAME.test(endpoint))
      throw new InvalidEventError('endpoint', `must be a SageMaker endpoint name, got ${JSON.stringify(endpoint)}`);
    return { dryRun, action, endpoint, region: eventRegion(event, regions) };
  };
}

/** `region`, defaulting to the function's first region; it must be one of the function's regions. */
function eventRegion(event: EventObject, regions: readonly string[]): string {
  const region = event.region === undefined ? regions[0] : event.region;
  if (typeof region !== 'string' || !REGION_NAME.test(region))
    throw new InvalidEventError('region', `must be an AWS region name like "us-east-1", got ${JSON.stringify(region)}`);
  if (!regions.includes(region)) throw new InvalidEventError('region', `"${region}" is not one of this function's regions (${regions.join(', ')})`);
  return region;
}

/** No savings were recorded before this month: the bot did not exist. */
const FIRST_REPORTABLE_MONTH = '2020-01';

/** savings-report: `{}` reports the month before this one; `{"month": "2026-11"}` any month up to this one (this one so far). */
interface SavingsReportEvent extends DryRunEvent {
  readonly month: Month;
}

function savingsReportEventParser(timezone: string, clock: () => Date): (raw: unknown) => SavingsReportEvent {
  return (raw) => {
    const event = readEventObject(raw, ['dryRun', 'month']);
    const dryRun = optionalBoolean(event, 'dryRun', false);
    const now = clock();
    if (event.month === undefined) return { dryRun, month: lastMonth(now, timezone) };
    const month = typeof event.month === 'string' ? parseMonth(event.month, timezone) : undefined;
    if (!month) throw new InvalidEventError('month', `must be a month like "2026-11", got ${JSON.stringify(event.month)}`);
    if (month.start.getTime() > now.getTime()) throw new InvalidEventError('month', `${month.label} has not started yet (${timezone})`);
    if (month.label < FIRST_REPORTABLE_MONTH) throw new InvalidEventError('month', `must be ${FIRST_REPORTABLE_MONTH} or later, got "${month.label}"`);
    return { dryRun, month };
  };
}

type WeekendAction = 'scale-down' | 'restore';

interface WeekendScalingEvent extends DryRunEvent {
  readonly action: WeekendAction;
  /** An ad hoc restore (only with scale-down), checked against the clock and the rules. */
  readonly until?: RestoreTime | undefined;
  /** A restore of one component, named by an admin (whatever its opt-in), from the bot's own state only. */
  readonly component?: { readonly name: string; readonly region: string } | undefined;
}

/** SageMaker inference component names (SageMaker API Reference, CreateInferenceComponent). */
const COMPONENT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * The weekend event's parser, bound to the restore rules and the clock, so that `until` is checked
 * completely (form, lead time, maximum, holidays) before any AWS call.
 */
function weekendEventParser(
  rules: Omit<RestoreRules, 'weekendRestoreAt'> & { readonly regions: readonly string[] },
  clock: () => Date,
): (raw: unknown) => WeekendScalingEvent {
  return (raw) => {
    const event = readEventObject(raw, ['action', 'dryRun', 'until', 'component', 'region']);
    const action = event.action;
    if (action === undefined) throw new InvalidEventError('action', 'is required: "scale-down" or "restore"');
    if (action !== 'scale-down' && action !== 'restore') {
      throw new InvalidEventError('action', `must be "scale-down" or "restore", got ${JSON.stringify(action)}`);
    }
    const dryRun = optionalBoolean(event, 'dryRun', false);
    if (event.component !== undefined || event.region !== undefined) {
      if (action !== 'restore') throw new InvalidEventError(event.component !== undefined ? 'component' : 'region', 'only goes with "action": "restore"');
      if (event.until !== undefined) throw new InvalidEventError('until', 'only goes with "action": "scale-down"');
      const name = event.component;
      if (typeof name !== 'string' || !COMPONENT_NAME.test(name))
        throw new InvalidEventError('component', `must be an inference component name, got ${JSON.stringify(name)}`);
      return { action, dryRun, component: { name, region: eventRegion(event, rules.regions) } };
    }
    const until = event.until;
    if (until === undefined) return { action, dryRun };
    if (typeof until !== 'string')
      throw new InvalidEventError('until', `must be a local date-time string like "2026-12-28T07:00:00", got ${JSON.stringify(until)}`);
    if (action !== 'scale-down') throw new InvalidEventError('until', 'only goes with "action": "scale-down"');
    return { action, dryRun, until: checkUntil(until, clock(), rules) };
  };
}

const NOTEBOOK_ACTIONS = ['idle-check', 'studio-audit', 'off-hours-stop', 'morning-start'] as const;
type NotebookAction = (typeof NOTEBOOK_ACTIONS)[number];

interface NotebookEvent extends DryRunEvent {
  readonly action: NotebookAction;
}

function parseNotebookEvent(raw: unknown): NotebookEvent {
  const event = readEventObject(raw, ['action', 'dryRun']);
  const action = event.action ?? 'idle-check';
  if (typeof action !== 'string' || !(NOTEBOOK_ACTIONS as readonly string[]).includes(action)) {
    throw new InvalidEventError('action', `must be one of ${NOTEBOOK_ACTIONS.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(action)}`);
  }
  return { action: action as NotebookAction, dryRun: optionalBoolean(event, 'dryRun', false) };
}

export { readEventObject, optionalBoolean, parseDryRunEvent, idleEndpointsEventParser, weekendEventParser, parseNotebookEvent, savingsReportEventParser };
export type { DryRunEvent, IdleEndpointsEvent, SavingsReportEvent, EventObject, WeekendScalingEvent, WeekendAction, NotebookEvent, NotebookAction };
