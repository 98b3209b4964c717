/**
 * The `ops-bot:` tag contract. A resource's tags are the admin's word on what the bot may do.
 */

const TAG_PREFIX = 'ops-bot:';
const TAGS = {
  skip: `${TAG_PREFIX}skip`,
  weekendScaleToZero: `${TAG_PREFIX}weekend-scale-to-zero`,
  lastAction: `${TAG_PREFIX}last-action`,
  savedCopyCount: `${TAG_PREFIX}saved-copy-count`,
  savedMinCapacity: `${TAG_PREFIX}saved-min-capacity`,
  savedMaxCapacity: `${TAG_PREFIX}saved-max-capacity`,
  /** When the state was saved (ISO minute, UTC): old state is reported. */
  savedAt: `${TAG_PREFIX}saved-at`,
  /** Set by an ad hoc `until`: the weekly restore leaves the component alone before this instant. */
  restoreAfter: `${TAG_PREFIX}restore-after`,
  offHoursStopped: `${TAG_PREFIX}off-hours-stopped`,
  /** The owner's opt-in to remediation of a long-idle endpoint: `scale-to-zero` or `delete`. */
  idleAction: `${TAG_PREFIX}idle-action`,
  /** The owner's opt-out of rightsizing suggestions for an endpoint: `off`. */
  rightsizing: `${TAG_PREFIX}rightsizing`,
  /** The owner's p99 latency objective in milliseconds: no downsizing is suggested once p99 is above half of it. */
  latencySloMs: `${TAG_PREFIX}latency-slo-ms`,
  /** On a component scaled to zero by the idle action: no weekly restore, only the on-demand one. */
  heldBy: `${TAG_PREFIX}held-by`,
  /** The previous version's MAC over a resource's signed state (aws/legacy-signed-state.ts: imported once, never read after). */
  stateMac: `${TAG_PREFIX}state-mac`,
  /** On a resource whose bot state tags are a mirror of the state table, for people: never read for a decision. */
  stateMirror: `${TAG_PREFIX}state`,
  /** `ops-bot:gen:<nonce>`: the previous version's generation of a resource's signed state. */
  stateGenPrefix: `${TAG_PREFIX}gen:`,
  /** On an endpoint whose components the idle action holds at 0: since when. */
  heldSince: `${TAG_PREFIX}held-since`,
  /** On an endpoint the bot restored or recreated: its idle clock starts again here. */
  restoredAt: `${TAG_PREFIX}restored-at`,
  /** On an endpoint whose components the idle action holds: the last day (UTC) the ledger booked its saving. */
  bookedThrough: `${TAG_PREFIX}booked-through`,
  /** On an endpoint config: `ops-bot:recreate:<endpoint>:<n>` chunks and `…:mac`, one signed record per deleted endpoint. */
  recreatePrefix: `${TAG_PREFIX}recreate:`,
  /** On an endpoint config holding at least one recreate record: how the daily run finds them (a finder only, never trusted). */
  recreateRecords: `${TAG_PREFIX}recreate-records`,
  /** Before signed state (format 0): on the endpoint config of an endpoint the idle action deleted, the endpoint's name. */
  recreateEndpoint: `${TAG_PREFIX}recreate-endpoint`,
  /** With recreateEndpoint: the config's own name (ARNs carry it lower-cased). */
  recreateConfig: `${TAG_PREFIX}recreate-config`,
  /** With recreateEndpoint: the deleted endpoint's tags, base64url JSON in numbered chunks. */
  recreateTagsPrefix: `${TAG_PREFIX}recreate-tags-`,
  /** With recreateEndpoint: when the endpoint was deleted, and what it cost per day then. */
  deletedAt: `${TAG_PREFIX}deleted-at`,
  costPerDay: `${TAG_PREFIX}cost-per-day`,
  /** In the state table only (never mirrored): what an endpoint's released instances cost per hour while the weekend holds it at zero. */
  weekendCostPerHour: `${TAG_PREFIX}weekend-cost-per-hour`,
  /** In the state table only: when the weekend scale-down released them. */
  weekendSince: `${TAG_PREFIX}weekend-since`,
  /** The owner's opt-in, on a Studio user profile or domain: idle Canvas sessions are logged out. */
  idleShutdown: `${TAG_PREFIX}idle-shutdown`,
  /** The owner's opt-in, on an MLflow tracking server: stopped in the evening, started in the morning. */
  offHours: `${TAG_PREFIX}off-hours`,
  /** In the state table only: when the bot logged a Canvas user out, and what the session cost per hour then. */
  loggedOutAt: `${TAG_PREFIX}logged-out-at`,
  sessionPerHour: `${TAG_PREFIX}session-per-hour`,
  /** In the state table only: what a tracking server the bot stopped for off hours cost per hour, and since when. */
  serverPerHour: `${TAG_PREFIX}server-per-hour`,
  /** In the state table only: a domain's idle-shutdown defaults as they were before the bot turned them on (JSON). */
  replacedIdleSettings: `${TAG_PREFIX}replaced-idle-settings`,
  stoppedAt: `${TAG_PREFIX}stopped-at`,
} as const;

type Tags = Readonly<Record<string, string>>;

/**
 * `true` in any case counts, exactly as IAM's `StringEqualsIgnoreCase` reads it in the stack's
 * policies: no trimming, so the code never acts on a tag (" true") that IAM would refuse it.
 */
function isTagTrue(tags: Tags, key: string): boolean {
  return tags[key]?.toLowerCase() === 'true';
}

/**
 * `ops-bot:skip` = `true`: no function ever touches the resource or reports it as actionable.
 * Read leniently (padding ignored): a skip the code honours beyond IAM's exact reading only makes
 * the bot do less, whereas an opt-in must be read exactly as IAM reads it (isTagTrue).
 */
function isSkipped(tags: Tags): boolean {
  return tags[TAGS.skip]?.trim().toLowerCase() === 'true';
}

/** `ops-bot:rightsizing = off` (any case): no rightsizing suggestion names the endpoint or component. */
function optedOutOfRightsizing(tags: Tags): boolean {
  return tags[TAGS.rightsizing]?.trim().toLowerCase() === 'off';
}

export { TAG_PREFIX, TAGS, isTagTrue, isSkipped, optedOutOfRightsizing };
export type { Tags };
