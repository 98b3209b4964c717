/**
 * A large account with every case the idle-endpoints job decides, and the idle set it must find,
 * built independently of the code under test.
 */
import { FakeAccount, HOUR_MS, componentSeries, fakeEndpoint, variantSeries, type FakeEndpoint, type FakeSeries } from './account.ts';

const KINDS = ['busy', 'busy-second-variant', 'busy-component', 'young', 'serverless', 'zero-instances', 'skipped', 'idle', 'idle-old-traffic'] as const;

function mixedAccount(size: number, now: Date): { account: FakeAccount; expectedIdle: string[] } {
  const endpoints: FakeEndpoint[] = [];
  const series: FakeSeries[] = [];
  const expectedIdle: string[] = [];
  for (let i = 0; i < size; i++) {
    const kind = KINDS[i % KINDS.length] as (typeof KINDS)[number];
    const name = `${kind}-${String(i).padStart(4, '0')}`;
    const created = new Date(now.getTime() - 40 * 24 * HOUR_MS);
    switch (kind) {
      case 'busy':
        endpoints.push(fakeEndpoint(name, { createdAt: created }));
        series.push(variantSeries(name, 'AllTraffic', now, [1, 30, 60]));
        break;
      case 'busy-second-variant':
        endpoints.push(
          fakeEndpoint(name, {
            createdAt: created,
            variants: [
              { name: 'A', instanceType: 'ml.c5.large', count: 1 },
              { name: 'B', instanceType: 'ml.c5.large', count: 1 },
            ],
          }),
        );
        series.push(variantSeries(name, 'A', now, [300]), variantSeries(name, 'B', now, [5]));
        break;
      case 'busy-component':
        endpoints.push(fakeEndpoint(name, { createdAt: created, components: [`${name}-ic`] }));
        series.push(componentSeries(`${name}-ic`, now, [2]));
        break;
      case 'young':
        endpoints.push(fakeEndpoint(name, { createdAt: new Date(now.getTime() - 3 * HOUR_MS) }));
        break;
      case 'serverless':
        endpoints.push(fakeEndpoint(name, { createdAt: created, variants: [{ name: 'AllTraffic', count: 0, serverless: true }] }));
        break;
      case 'zero-instances':
        endpoints.push(fakeEndpoint(name, { createdAt: created, variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.xlarge', count: 0 }] }));
        break;
      case 'skipped':
        endpoints.push(fakeEndpoint(name, { createdAt: created, tags: { 'ops-bot:skip': 'true' } }));
        break;
      case 'idle':
        endpoints.push(fakeEndpoint(name, { createdAt: created, variants: [{ name: 'AllTraffic', instanceType: 'ml.g5.2xlarge', count: 1 }] }));
        expectedIdle.push(name);
        break;
      case 'idle-old-traffic':
        endpoints.push(fakeEndpoint(name, { createdAt: created }));
        series.push(variantSeries(name, 'AllTraffic', now, [50, 100]));
        expectedIdle.push(name);
        break;
    }
  }
  const account = new FakeAccount(endpoints, series);
  account.clock = () => now;
  return { account, expectedIdle };
}

export { mixedAccount };
