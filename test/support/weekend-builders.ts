import type { ComponentSnapshot, HostingEndpoint } from '@ops-bot/shared/domain/weekend-scaling';

function component(overrides: Partial<ComponentSnapshot> = {}): ComponentSnapshot {
  const name = overrides.name ?? 'ic-1';
  return {
    region: 'us-east-1',
    name,
    arn: `arn:aws:sagemaker:us-east-1:111122223333:inference-component/${name}`,
    endpointName: 'ep-1',
    variantName: 'AllTraffic',
    desiredCopyCount: 2,
    tags: { 'ops-bot:weekend-scale-to-zero': 'true' },
    ...overrides,
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

export { component, hostingEndpoint };
