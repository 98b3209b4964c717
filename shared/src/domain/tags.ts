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
  offHoursStopped: `${TAG_PREFIX}off-hours-stopped`,
} as const;

type Tags = Readonly<Record<string, string>>;

/** Tag values are compared as an admin would type them: `true`, `True` and ` TRUE ` all count. */
function isTagTrue(tags: Tags, key: string): boolean {
  return tags[key]?.trim().toLowerCase() === 'true';
}

/** `ops-bot:skip` = `true`: no function ever touches the resource or reports it as actionable. */
function isSkipped(tags: Tags): boolean {
  return isTagTrue(tags, TAGS.skip);
}

export { TAG_PREFIX, TAGS, isTagTrue, isSkipped };
export type { Tags };
