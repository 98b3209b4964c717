import { afterEach, describe, expect, it } from 'vitest';
import { PricingClient } from '@aws-sdk/client-pricing';
import { createPriceListReader, priceListRegion, type PriceListCache } from '@ops-bot/shared/aws/price-list';
import { assemblePriceList, readPriceListRow } from '@ops-bot/shared/domain/price-list';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { parseCostReportConfig } from '@ops-bot/shared/config';
import { runCostReport } from '@ops-bot/shared/jobs/cost-report';
import { createCostReportClients, liveCostReportDeps } from '@ops-bot/shared/live/cost-report';
import { canvasSessionProduct, FakeAccount, FakeAwsError, fakeEndpoint, mlflowProduct, priceListProduct } from '../../fakes/account.ts';
import { mockAccount } from '../../fakes/mock-clients.ts';
import { recordMetrics } from '../support/metrics.ts';

const NOW = new Date('2026-12-03T08:00:00Z');
const G5 = { vCpu: '4', memory: '16 GiB', gpu: '1', gpuMemory: '24 GiB' };

/**
 * The SageMaker products GetProducts holds for ml.g5.xlarge and ml.m5.xlarge: every use at its own
 * price, in two regions, with the hosting rows differing by region (eu-central-1 costs more).
 */
function catalog(): Array<Record<string, unknown>> {
  return [
    priceListProduct('eu-central-1', 'ml.g5.xlarge', 'Host', 1.761, G5),
    priceListProduct('eu-central-1', 'ml.g5.xlarge', 'AsyncInf', 1.761, G5),
    priceListProduct('eu-central-1', 'ml.g5.xlarge', 'Train', 1.6, G5),
    priceListProduct('eu-central-1', 'ml.g5.xlarge', 'Notebk', 1.69, G5),
    priceListProduct('eu-central-1', 'ml.g5.2xlarge', 'Host', 1.895, { vCpu: '8', memory: '32 GiB', gpu: '1', gpuMemory: '24 GiB' }),
    priceListProduct('eu-central-1', 'ml.m5.xlarge', 'Host', 0.276, { vCpu: '4', memory: '16 GiB', gpu: 'N/A' }),
    priceListProduct('eu-central-1', 'ml.m5.xlarge', 'Processing', 0.26, { vCpu: '4', memory: '16 GiB', gpu: 'N/A' }),
    priceListProduct('us-east-1', 'ml.g5.xlarge', 'Host', 1.408, G5),
    priceListProduct('us-east-1', 'ml.g5.xlarge', 'Notebk', 1.41, G5),
  ];
}

describe('Adapter: the AWS Price List reader', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());
  const given = (products = catalog()) => {
    const account = new FakeAccount();
    account.priceList.push(...products);
    mocks = mockAccount(account);
    return account;
  };
  const reader = (region = 'eu-central-1', cache: PriceListCache = new Map(), clock = () => NOW) =>
    createPriceListReader(new PricingClient({ region, maxAttempts: 1 }), clock, cache);

  it('prices an endpoint from its own region and hosting row only, following NextToken, one query per region and family', async () => {
    // Prepare: four products a page, so each family's answer spans pages.
    const account = given();

    // Act
    const listed = await reader().read([
      { region: 'eu-central-1', instanceType: 'ml.g5.xlarge' },
      { region: 'eu-central-1', instanceType: 'ml.g5.2xlarge' },
      { region: 'eu-central-1', instanceType: 'ml.m5.xlarge' },
    ]);
    const book = createPriceBook({}, listed);

    // Assess: hosting, not async/training/notebook rows; the notebook row prices notebooks.
    expect(book.hourlyPrice('eu-central-1', 'ml.g5.xlarge')).toEqual({ pricePerHour: 1.761, source: 'price-list' });
    expect(book.hourlyPrice('eu-central-1', 'ml.m5.xlarge')).toEqual({ pricePerHour: 0.276, source: 'price-list' });
    expect(book.notebookPrice('eu-central-1', 'ml.g5.xlarge')).toEqual({ pricePerHour: 1.69, source: 'price-list' });
    expect(book.source).toBe('AWS Price List, 2026-12-03');
    // Another region's row is never used for this one: us-east-1 was not asked, so its price is the table's.
    expect(book.hourlyPrice('us-east-1', 'ml.g5.xlarge')?.source).toBe('table');
    expect(book.instanceSpec('ml.g5.2xlarge', 'eu-central-1')).toEqual({ accelerators: 1, vcpus: 8, memoryGiB: 32, gpuMemoryGiB: 24 });
    expect(book.instanceSpec('ml.m5.xlarge', 'eu-central-1')).toEqual({ accelerators: 0, vcpus: 4, memoryGiB: 16 });
    const queries = account.calls.filter((call) => call.operation === 'GetProducts').map((call) => call.input);
    const families = new Set(queries.map((input) => JSON.stringify(input.Filters)));
    expect(families.size).toBe(2);
    expect(queries.every((input) => input.ServiceCode === 'AmazonSageMaker' && input.FormatVersion === 'aws_v1')).toBe(true);
    // ml.g5 in eu-central-1 is 5 products: two pages of 4.
    expect(queries.length).toBe(3);
  });

  it('prices a Studio app from its own Studio rows; where two app types disagree the table answers, never a hosting row', async () => {
    // Prepare: JupyterLab and Code Editor agree on ml.t3.medium, disagree on ml.t3.xlarge.
    given([
      priceListProduct('us-east-1', 'ml.t3.medium', 'Host', 0.05),
      priceListProduct('us-east-1', 'ml.t3.medium', 'Studio:JupyterLab', 0.0464),
      priceListProduct('us-east-1', 'ml.t3.medium', 'Studio:CodeEditor', 0.0464),
      priceListProduct('us-east-1', 'ml.t3.xlarge', 'Studio:JupyterLab', 0.1856),
      priceListProduct('us-east-1', 'ml.t3.xlarge', 'Studio:CodeEditor', 0.19),
    ]);

    // Act
    const book = createPriceBook(
      {},
      await reader('us-east-1').read([
        { region: 'us-east-1', instanceType: 'ml.t3.medium' },
        { region: 'us-east-1', instanceType: 'ml.t3.xlarge' },
      ]),
    );

    // Assess
    expect(book.studioPrice('us-east-1', 'ml.t3.medium')).toEqual({ pricePerHour: 0.0464, source: 'price-list' });
    expect(book.studioPrice('us-east-1', 'ml.t3.xlarge')).toEqual({ pricePerHour: 0.2, source: 'table' });
  });

  it('asks the nearest Price List endpoint: the API answers only in us-east-1, eu-central-1 and ap-south-1', () => {
    expect(['eu-west-1', 'eu-central-1', 'me-south-1', 'il-central-1'].map(priceListRegion)).toEqual(Array(4).fill('eu-central-1'));
    expect(['ap-northeast-1', 'ap-southeast-2', 'ap-south-1'].map(priceListRegion)).toEqual(Array(3).fill('ap-south-1'));
    expect(['us-west-2', 'ca-central-1', 'sa-east-1', 'us-east-1'].map(priceListRegion)).toEqual(Array(4).fill('us-east-1'));
  });

  it('falls back to the table when the Price List cannot be reached, and says why on the source line', async () => {
    // Prepare: a client in a region with no Price List endpoint reaches no host.
    given();

    // Act
    const listed = await reader('eu-west-1').read([
      { region: 'us-east-1', instanceType: 'ml.g5.xlarge' },
      { region: 'eu-central-1', instanceType: 'ml.g5.xlarge' },
    ]);
    const book = createPriceBook({}, listed);

    // Assess: us-east-1 from the table; eu-central-1 has no price anywhere.
    expect(book.hourlyPrice('us-east-1', 'ml.g5.xlarge')).toEqual({ pricePerHour: 1.408, source: 'table' });
    expect(book.hourlyPrice('eu-central-1', 'ml.g5.xlarge')).toBeUndefined();
    expect(book.source).toBe(
      'embedded table of 2026-11 (us-east-1, us-east-2, us-west-2), Price List unavailable (getaddrinfo ENOTFOUND api.pricing.eu-west-1.amazonaws.com)',
    );
  });

  it('names a denied Price List, and overrides still win and are named', async () => {
    // Prepare
    const account = given();
    account.failWhen('GetProducts', () => new FakeAwsError('AccessDeniedException', 'User is not authorized to perform: pricing:GetProducts', 403));

    // Act
    const book = createPriceBook({ 'ml.m5.xlarge': 0.2 }, await reader().read([{ region: 'us-east-1', instanceType: 'ml.g5.xlarge' }]));
    const prices = [book.hourlyPrice('us-east-1', 'ml.g5.xlarge'), book.hourlyPrice('us-east-1', 'ml.m5.xlarge')];

    // Assess
    expect(prices).toEqual([
      { pricePerHour: 1.408, source: 'table' },
      { pricePerHour: 0.2, source: 'override' },
    ]);
    expect(book.source).toBe(
      'embedded table of 2026-11 (us-east-1, us-east-2, us-west-2), Price List unavailable (pricing:GetProducts denied); PRICE_OVERRIDES for ml.m5.xlarge',
    );
  });

  it('keeps what it read for hours in a warm container, then reads again', async () => {
    // Prepare
    const account = given();
    const cache: PriceListCache = new Map();
    let now = NOW;
    const wanted = [{ region: 'eu-central-1', instanceType: 'ml.m5.xlarge' }];

    // Act: three runs: at once, 5 h later, 7 h later.
    await reader('eu-central-1', cache, () => now).read(wanted);
    const first = account.callCount('GetProducts');
    now = new Date(NOW.getTime() + 5 * 3_600_000);
    const cached = createPriceBook({}, await reader('eu-central-1', cache, () => now).read(wanted));
    const afterCached = account.callCount('GetProducts');
    now = new Date(NOW.getTime() + 7 * 3_600_000);
    await reader('eu-central-1', cache, () => now).read(wanted);

    // Assess
    expect([first, afterCached, account.callCount('GetProducts')]).toEqual([1, 1, 2]);
    expect(cached.hourlyPrice('eu-central-1', 'ml.m5.xlarge')?.pricePerHour).toBe(0.276);
  });

  it("names the table's types when the list answered but had no price for them", async () => {
    // Prepare: the list has no ml.g5.4xlarge row.
    given();

    // Act
    const book = createPriceBook(
      {},
      await reader().read([
        { region: 'us-east-1', instanceType: 'ml.g5.4xlarge' },
        { region: 'us-east-1', instanceType: 'ml.g5.xlarge' },
      ]),
    );
    book.hourlyPrice('us-east-1', 'ml.g5.4xlarge');
    book.hourlyPrice('us-east-1', 'ml.g5.xlarge');

    // Assess
    expect(book.source).toBe(
      'AWS Price List, 2026-12-03; embedded table of 2026-11 (us-east-1, us-east-2, us-west-2) for ml.g5.4xlarge (not in the Price List)',
    );
  });
});

describe('Adapter: Canvas and MLflow prices from the Price List', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it('asks once per region for each service, reads Canvas by its documented usage type and MLflow only where a row names one size', async () => {
    // Prepare: a Canvas session hour in two regions, MLflow rows spelled two ways, rows that must not price (a
    // free-tier counter, a usage type with "flow" that is not MLflow, an MLflow storage row by the GB-month).
    const account = new FakeAccount();
    const storage = mlflowProduct('us-east-1', 'USE1-MLflow:Storage-Small', 0.1);
    const offer = Object.values((storage.terms as { OnDemand: Record<string, Record<string, unknown>> }).OnDemand)[0] as Record<string, unknown>;
    offer.priceDimensions = { a: { unit: 'GB-Mo', pricePerUnit: { USD: '0.1000000000' } } };
    account.priceList.push(
      canvasSessionProduct('us-east-1', 1.9),
      canvasSessionProduct('eu-central-1', 2.3),
      mlflowProduct('us-east-1', 'Canvas:Session-Hrs-Parent', 0.5),
      mlflowProduct('us-east-1', 'USE1-MLflow:TrackingServer-Small-Hrs', 0.642),
      mlflowProduct('us-east-1', 'USE1-Mlflow-TrackingServer-Hrs', 1.25, { trackingServerSize: 'Medium' }),
      mlflowProduct('us-east-1', 'USE1-DataFlow-Large-Hrs', 9),
      storage,
      priceListProduct('us-east-1', 'ml.t3.medium', 'Notebk', 0.05),
    );
    mocks = mockAccount(account);
    const reader = createPriceListReader(new PricingClient({ region: 'us-east-1', maxAttempts: 1 }), () => NOW, new Map());

    // Act
    const listed = await reader.read([
      { region: 'us-east-1', service: 'canvas' },
      { region: 'us-east-1', service: 'mlflow' },
      { region: 'eu-central-1', service: 'canvas' },
      { region: 'us-east-1', service: 'canvas' },
    ]);
    const book = createPriceBook({ 'mlflow.medium': 1.1 }, listed);

    // Assess: one query per region and service, filtered on the usage type.
    const queries = account.calls.filter((call) => call.operation === 'GetProducts');
    expect(queries.map((call) => (call.input.Filters as Array<{ Field: string; Value: string }>).map((filter) => `${filter.Field}=${filter.Value}`))).toEqual([
      ['regionCode=eu-central-1', 'usagetype=Canvas:Session-Hrs'],
      ['regionCode=us-east-1', 'usagetype=Canvas:Session-Hrs'],
      ['regionCode=us-east-1', 'usagetype=flow'],
    ]);
    expect([...(listed.canvas ?? [])]).toEqual([
      ['eu-central-1 session', 2.3],
      ['us-east-1 session', 1.9],
    ]);
    expect([...(listed.mlflow ?? [])]).toEqual([
      ['us-east-1 small', 0.642],
      ['us-east-1 medium', 1.25],
    ]);
    // The admin's override wins; a size no row names is unknown (the table has no MLflow price).
    expect(book.canvasPrice('eu-central-1')).toEqual({ pricePerHour: 2.3, source: 'price-list' });
    expect(book.mlflowPrice('us-east-1', 'Small')).toEqual({ pricePerHour: 0.642, source: 'price-list' });
    expect(book.mlflowPrice('us-east-1', 'Medium')).toEqual({ pricePerHour: 1.1, source: 'override' });
    expect(book.mlflowPrice('us-east-1', 'Large')).toBeUndefined();
    expect(book.source).toBe('AWS Price List, 2026-12-03; PRICE_OVERRIDES for mlflow.medium');
  });

  it('falls back to the embedded Canvas price, named, where the Price List has no Canvas row or is denied', async () => {
    // Prepare
    const account = new FakeAccount();
    account.failWhen('GetProducts', (input) =>
      (input.Filters as Array<{ Value: string }>).some((filter) => filter.Value === 'us-west-2')
        ? new FakeAwsError('AccessDeniedException', 'User is not authorized to perform: pricing:GetProducts')
        : undefined,
    );
    mocks = mockAccount(account);
    const reader = createPriceListReader(new PricingClient({ region: 'us-east-1', maxAttempts: 1 }), () => NOW, new Map());

    // Act
    const empty = createPriceBook({}, await reader.read([{ region: 'us-east-1', service: 'canvas' }]));
    const denied = createPriceBook({}, await reader.read([{ region: 'us-west-2', service: 'canvas' }]));

    // Assess
    expect(empty.canvasPrice('us-east-1')).toEqual({ pricePerHour: 1.9, source: 'table' });
    expect(empty.source).toBe('embedded table of 2026-11 (us-east-1, us-east-2, us-west-2) for Canvas session (not in the Price List)');
    expect(denied.canvasPrice('us-west-2')).toEqual({ pricePerHour: 1.9, source: 'table' });
    expect(denied.source).toBe('embedded table of 2026-11 (us-east-1, us-east-2, us-west-2), Price List unavailable (pricing:GetProducts denied)');
    expect(denied.canvasPrice('eu-west-1')).toBeUndefined();
  });
});

describe('Domain: reading Price List products', () => {
  const row = (product: Record<string, unknown>) => readPriceListRow(JSON.stringify(product));
  const withPrice = (dimensions: Record<string, unknown>) => {
    const product = priceListProduct('us-east-1', 'ml.g5.xlarge', 'Host', 1.408, G5);
    const offer = Object.values((product.terms as { OnDemand: Record<string, Record<string, unknown>> }).OnDemand)[0] as Record<string, unknown>;
    offer.priceDimensions = dimensions;
    return product;
  };

  it('reads a hosting row, with its hardware, and a notebook row', () => {
    expect(row(priceListProduct('us-east-1', 'ml.g5.xlarge', 'Host', 1.408, G5))).toEqual({
      region: 'us-east-1',
      item: 'ml.g5.xlarge',
      use: 'hosting',
      pricePerHour: 1.408,
      hardware: { accelerators: 1, vcpus: 4, memoryGiB: 16, gpuMemoryGiB: 24 },
    });
    // Hardware is read from hosting rows only: they are what the rightsizing and the GPU split compare.
    expect(row(priceListProduct('us-east-1', 'ml.t3.medium', 'Notebk', 0.05, { vCpu: '2', memory: '4 GiB' }))).toEqual({
      region: 'us-east-1',
      item: 'ml.t3.medium',
      use: 'notebook',
      pricePerHour: 0.05,
    });
  });

  it('refuses what is not one on-demand hourly hosting or notebook price', () => {
    const refused = [
      priceListProduct('us-east-1', 'ml.g5.xlarge', 'AsyncInf', 1.408),
      priceListProduct('us-east-1', 'ml.g5.xlarge', 'Train', 1.408),
      // A free-tier row is not the instance's price.
      priceListProduct('us-east-1', 'ml.t2.medium', 'Host', 0),
      withPrice({ a: { unit: 'Hrs', pricePerUnit: { USD: '1.0' } }, b: { unit: 'Hrs', pricePerUnit: { USD: '2.0' } } }),
      withPrice({ a: { unit: 'GB-Mo', pricePerUnit: { USD: '0.14' } } }),
      withPrice({ a: { unit: 'Hrs', pricePerUnit: { USD: '-1' } } }),
      withPrice({ a: { unit: 'Hrs', pricePerUnit: { EUR: '1.0' } } }),
      {
        ...priceListProduct('us-east-1', 'ml.g5.xlarge', 'Host', 1.408),
        product: { attributes: { usagetype: 'USE1-Host:ml.g5.xlarge', instanceName: 'ml.g5.2xlarge', regionCode: 'us-east-1' } },
      },
    ];
    expect(refused.map(row)).toEqual(Array(refused.length).fill(undefined));
    expect(readPriceListRow('{not json')).toBeUndefined();
  });

  it('reads a Canvas session hour and an MLflow size, and refuses a row that names no size or two', () => {
    expect(row(canvasSessionProduct('eu-central-1', 2.3))).toEqual({ region: 'eu-central-1', item: 'session', use: 'canvas', pricePerHour: 2.3 });
    expect(row(mlflowProduct('us-east-1', 'USE1-mlflow-large', 2.5))).toMatchObject({ use: 'mlflow', item: 'large', pricePerHour: 2.5 });
    expect(row(mlflowProduct('us-east-1', 'MLflow-Hrs', 0.6, { serverSize: 'small' }))).toMatchObject({ use: 'mlflow', item: 'small' });
    const refused = [
      mlflowProduct('us-east-1', 'USE1-MLflow-Hrs', 0.6),
      mlflowProduct('us-east-1', 'USE1-MLflow-Small-Medium', 0.6),
      mlflowProduct('us-east-1', 'USE1-MLflow-Small', 0.6, { trackingServerSize: 'Large' }),
      mlflowProduct('us-east-1', 'USE1-MLflow-Smallest', 0.6),
      mlflowProduct('us-east-1', 'USE1-Canvas:Session-Hrs-Parent', 0.6),
      { ...canvasSessionProduct('us-east-1', 1.9), product: { attributes: { usagetype: 'USE1-Canvas:Session-Hrs' } } },
    ];
    expect(refused.map(row)).toEqual(Array(refused.length).fill(undefined));
  });

  it('refuses a row of another region or family, and two prices for one type cancel each other', () => {
    const rows = [
      { region: 'us-east-1', item: 'ml.g5.xlarge', use: 'hosting' as const, pricePerHour: 1.408 },
      { region: 'us-east-1', item: 'ml.g5.xlarge', use: 'hosting' as const, pricePerHour: 99 },
      { region: 'us-east-1', item: 'ml.g5.2xlarge', use: 'hosting' as const, pricePerHour: 1.515 },
      { region: 'eu-central-1', item: 'ml.g5.4xlarge', use: 'hosting' as const, pricePerHour: 5 },
      { region: 'us-east-1', item: 'ml.m5.xlarge', use: 'hosting' as const, pricePerHour: 5 },
    ];
    const listed = assemblePriceList('2026-12-03', [{ region: 'us-east-1', family: 'ml.g5', rows }]);
    expect([...listed.hosting]).toEqual([['us-east-1 ml.g5.2xlarge', 1.515]]);
  });
});

describe('Function: cost-report outside the US', () => {
  let mocks: ReturnType<typeof mockAccount> | undefined;
  afterEach(() => mocks?.restore());

  it('prices an eu-central-1 account from the Price List and says so', async () => {
    // Prepare: one ml.m5.xlarge endpoint, running all day, in an account the embedded table cannot price.
    const account = new FakeAccount([
      fakeEndpoint('eu-model', { createdAt: new Date('2026-11-01T00:00:00Z'), variants: [{ name: 'AllTraffic', instanceType: 'ml.m5.xlarge', count: 2 }] }),
    ]);
    account.priceList.push(...catalog());
    mocks = mockAccount(account);
    const config = parseCostReportConfig({ AWS_REGION: 'eu-central-1', REGIONS: 'eu-central-1', TOPIC_ARN: 'arn:aws:sns:eu-central-1:111122223333:ops-bot' });
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-central-1';

    // Act
    const { costs, report } = await runCostReport(
      { dryRun: true },
      { ...liveCostReportDeps(config, createCostReportClients(), silentLogger, () => NOW), metrics: recordMetrics() },
    ).finally(() => (process.env.AWS_REGION = saved));

    // Assess: 2 instances x 24 h x $0.276 (not the us-east-1 $0.23, not "price unknown").
    expect(costs.hosts[0]).toMatchObject({ endpointName: 'eu-model', cost: 13.25 });
    expect(report?.email).toContain('Prices: AWS Price List, 2026-12-03.');
  });
});

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
