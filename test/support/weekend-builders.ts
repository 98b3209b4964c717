import type { ComponentSnapshot, HostingEndpoint } from '@ops-bot/shared/domain/weekend-scaling';

/** The bot's own state keys on a component (aws/bot-state.ts COMPONENT_STATE). */
const STATE_KEYS = [
  'ops-bot:saved-copy-count',
  'ops-bot:saved-min-capacity',
  'ops-bot:saved-max-capacity',
  'ops-bot:saved-at',
  'ops-bot:restore-after',
  'ops-bot:held-by',
];

/**
 * A component as the rules see it. State keys given among `tags` stand for the bot's own verified
 * state (what aws/bot-state.ts hands the rules after checking the MAC); pass `state` to say otherwise.
 */
function component(overrides: Partial<ComponentSnapshot> = {}): ComponentSnapshot {
  const name = overrides.name ?? 'ic-1';
  const given = overrides.tags ?? { 'ops-bot:weekend-scale-to-zero': 'true' };
  const values = Object.fromEntries(Object.entries(given).filter(([key]) => STATE_KEYS.includes(key)));
  const tags = Object.fromEntries(Object.entries(given).filter(([key]) => !STATE_KEYS.includes(key)));
  return {
    region: 'us-east-1',
    name,
    arn: `arn:aws:sagemaker:us-east-1:111122223333:inference-component/${name}`,
    endpointName: 'ep-1',
    variantName: 'AllTraffic',
    desiredCopyCount: 2,
    ...overrides,
    tags,
    state: overrides.state ?? (Object.keys(values).length > 0 ? { status: 'verified', values } : { status: 'none' }),
  };
}

function hostingEndpoint(overrides: Partial<HostingEndpoint> = {}): HostingEndpoint {
  return {
    region: 'us-east-1',
    name: 'ep-1',
    componentCopies: { 'ic-1': 2 },
    variants: [
      { variantName: 'AllTraffic', role: 'production', instanceType: 'ml.g6.12xlarge', serverless: false, currentInstanceCount: 1, managedMinInstanceCount: 0 },
    ],
    ...overrides,
  };
}

export { component, hostingEndpoint, STATE_KEYS };
