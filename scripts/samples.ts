/**
 * `npm run -s samples > docs/samples.md`: what each job sends, rendered by the real renderers from
 * fixed, realistic inputs (the demo account for idle-endpoints). A test regenerates it and compares,
 * so the documented texts cannot drift from what the bot sends.
 */
import { readFileSync } from 'node:fs';
import { findIdleEndpoints, type IdleEndpointsSnapshot } from '@ops-bot/shared/domain/idle-endpoints';
import { createPriceBook } from '@ops-bot/shared/domain/prices';
import { attributeCosts, type CostSnapshot } from '@ops-bot/shared/domain/cost';
import { assessWeekendSavings, planScaleDown, type ComponentSnapshot, type HostingEndpoint } from '@ops-bot/shared/domain/weekend-scaling';
import { auditStudio } from '@ops-bot/shared/domain/studio';
import { renderIdleEndpointsReport } from '@ops-bot/shared/report/idle-endpoints';
import { judgeRightsizing, type VariantUsage } from '@ops-bot/shared/domain/rightsizing';
import { renderNotebookReport } from '@ops-bot/shared/report/notebooks';
import { renderWeekendReport } from '@ops-bot/shared/report/weekend-scaling';
import { renderCostReport } from '@ops-bot/shared/report/cost-report';
import { smsPrefix, DEFAULT_TOPIC_DISPLAY_NAME } from '@ops-bot/shared/report/gsm7';
import { NOTEBOOK_PRICE_SOURCE } from '@ops-bot/shared/domain/prices';
import type { RenderedReport } from '@ops-bot/shared/report/sns-message';
import { buildLedger, parseMonth, SAVINGS_ACTIONS, type LedgerEntry, type Month, type SavingsAction } from '@ops-bot/shared/domain/savings';
import { renderSavingsReport } from '@ops-bot/shared/report/savings-report';

const NOW = '2026-11-20T17:00:00.000Z';
const prices = createPriceBook({});

function idleEndpoints(): RenderedReport | undefined {
  const snapshot = JSON.parse(readFileSync('demo/demo-account.json', 'utf8')) as IdleEndpointsSnapshot;
  // Two busy endpoints of the demo account with their utilisation peaks (as CloudWatch publishes them).
  const busy = (endpointName: string, instanceType: string, instanceCount: number, peaks: VariantUsage['peaks'], tags = {}): VariantUsage => ({
    region: 'us-east-1',
    endpointName,
    variantName: 'AllTraffic',
    instanceType,
    instanceCount,
    tags,
    peaks,
    latency: { modelMs: 38, overheadMs: 4 },
  });
  const rightsizing = judgeRightsizing(
    [
      busy('search-ranker-prod', 'ml.m5.12xlarge', 1, { cpu: 480, memory: 12 }),
      busy('fraud-scoring-prod', 'ml.c5.xlarge', 4, { cpu: 40, memory: 25 }),
      busy('summarizer-llm', 'ml.g5.12xlarge', 1, { cpu: 96, memory: 5, gpu: 32, gpuMemory: 40 }, { 'ops-bot:latency-slo-ms': '60' }),
      {
        ...busy('search-ranker-prod', 'ml.m5.12xlarge', 1, { cpu: 480, memory: 12 }),
        endpointName: 'nightly-reports',
        instanceType: 'ml.m5.xlarge',
        peaks: { cpu: 300, memory: 10 },
        latency: { modelMs: 900, overheadMs: 6 },
        activity: { activeHours: 14, lookbackHours: 336 },
      },
    ].map((usage) =>
      usage.endpointName === 'search-ranker-prod'
        ? {
            ...usage,
            recommendation: {
              jobName: 'search-ranker-sizing',
              completedAt: '2026-11-02T10:14:00.000Z',
              of: 4,
              pick: 'cheapest-no-slower-than-today' as const,
              recommendation: {
                configuration: { kind: 'instances' as const, instanceType: 'ml.m5.2xlarge', instanceCount: 1 },
                costPerHour: 0.46,
                modelLatencyMs: 35,
              },
            },
          }
        : usage,
    ),
    { prices, sizesOf: (region, family) => prices.familySizes(region, family), lookbackDays: 14 },
    [{ region: 'us-east-1', endpointName: 'ocr-invoices', tags: {}, reason: 'no utilisation series' }],
    [
      {
        region: 'us-east-1',
        endpointName: 'llm-hub',
        variantName: 'AllTraffic',
        componentName: 'chat-assistant',
        tags: {},
        endpointTags: {},
        instanceType: 'ml.g5.12xlarge',
        copies: { desiredCopyCount: 8, currentCopyCount: 8, status: 'InService', acceleratorsPerCopy: 1, cpuCoresPerCopy: 8, memoryMbPerCopy: 32_768 },
        peaks: { cpu: 6, memory: 35, gpu: 9, gpuMemory: 48 },
        latencyP99Ms: 410,
      },
    ],
  );
  return renderIdleEndpointsReport(findIdleEndpoints(snapshot, { idleHours: 24, prices }), undefined, rightsizing);
}

function idleNotebooks(): RenderedReport {
  return renderNotebookReport({
    action: 'idle-check',
    dryRun: false,
    evaluatedAt: NOW,
    priceSource: NOTEBOOK_PRICE_SOURCE,
    failures: [],
    outcomes: [
      {
        region: 'us-east-1',
        name: 'forecasting-sandbox',
        instanceType: 'ml.g5.xlarge',
        verdict: 'stop',
        detail: 'idle 95 min (no kernel or terminal activity)',
        costPerDay: 33.79,
        result: 'done',
      },
      {
        region: 'us-east-1',
        name: 'nlp-training',
        instanceType: 'ml.p3.2xlarge',
        verdict: 'busy',
        detail: 'a kernel is busy',
        costPerDay: 91.8,
        result: 'none',
      },
      {
        region: 'us-east-1',
        name: 'private-vpc-notebook',
        instanceType: 'ml.t3.medium',
        verdict: 'unknown',
        detail: 'activity unknown: JupyterReadError: opening the presigned URL: no answer within 5000 ms',
        costPerDay: 1.2,
        result: 'none',
      },
    ],
  });
}

function studioAudit(): RenderedReport {
  const studio = auditStudio(
    [
      {
        region: 'us-east-1',
        domainId: 'd-abc123',
        owner: 'space team-space',
        appType: 'JupyterLab',
        appName: 'default',
        instanceType: 'ml.g5.xlarge',
        createdAt: '2026-11-18T09:00:00.000Z',
      },
      {
        region: 'us-east-1',
        domainId: 'd-abc123',
        owner: 'user alice',
        appType: 'CodeEditor',
        appName: 'default',
        instanceType: 'ml.t3.medium',
        createdAt: '2026-11-20T08:00:00.000Z',
      },
    ],
    [
      { region: 'us-east-1', domainId: 'd-abc123', level: 'domain', name: 'd-abc123', jupyterLab: 'ENABLED' },
      { region: 'us-east-1', domainId: 'd-abc123', level: 'domain-spaces', name: 'd-abc123' },
      { region: 'us-east-1', domainId: 'd-abc123', level: 'space', name: 'team-space' },
    ],
    new Date(NOW),
  );
  return renderNotebookReport({
    action: 'studio-audit',
    dryRun: false,
    evaluatedAt: NOW,
    priceSource: NOTEBOOK_PRICE_SOURCE,
    failures: [],
    outcomes: [],
    studio,
  });
}

function weekendScaleDown(): RenderedReport {
  const component = (name: string, endpointName: string, copies: number, extra: Partial<ComponentSnapshot> = {}): ComponentSnapshot => ({
    region: 'us-east-1',
    name,
    arn: `arn:aws:sagemaker:us-east-1:111122223333:inference-component/${name}`,
    endpointName,
    variantName: 'AllTraffic',
    desiredCopyCount: copies,
    tags: { 'ops-bot:weekend-scale-to-zero': 'true' },
    state: { status: 'none' },
    ...extra,
  });
  const components = [
    component('llama-chat', 'llm-endpoint', 2, { autoscaling: { minCapacity: 1, maxCapacity: 4 } }),
    component('embeddings', 'llm-endpoint', 1),
    component('reranker', 'shared-endpoint', 1),
  ];
  const hosts: HostingEndpoint[] = [
    {
      region: 'us-east-1',
      name: 'llm-endpoint',
      componentCopies: { 'llama-chat': 2, embeddings: 1 },
      variants: [
        {
          variantName: 'AllTraffic',
          role: 'production',
          instanceType: 'ml.g6.12xlarge',
          serverless: false,
          currentInstanceCount: 1,
          managedMinInstanceCount: 0,
        },
      ],
    },
    {
      region: 'us-east-1',
      name: 'shared-endpoint',
      componentCopies: { reranker: 1, 'fraud-model': 2 },
      variants: [{ variantName: 'AllTraffic', role: 'production', serverless: false, currentInstanceCount: 2, managedMinInstanceCount: 1 }],
    },
  ];
  const plans = planScaleDown(components, { scope: 'tagged', now: new Date(NOW) });
  const outcomes = plans.map((plan) => ({ ...plan, result: 'done' as const, copiesNow: plan.copiesAfter }));
  return renderWeekendReport({
    action: 'scale-down',
    dryRun: false,
    evaluatedAt: NOW,
    timezone: 'Europe/Berlin',
    scopeText: 'components tagged ops-bot:weekend-scale-to-zero = true',
    restore: { at: '2026-11-23T07:00:00', how: 'the weekly MON restore' },
    outcomes,
    endpoints: assessWeekendSavings(outcomes, hosts, prices, 61),
    failures: [],
    priceSource: prices.source,
  });
}

function costReport(): RenderedReport {
  const snapshot: CostSnapshot = {
    kind: 'cost-report',
    version: 1,
    capturedAt: '2026-11-21T07:00:00.000Z',
    periodStart: '2026-11-19T23:00:00.000Z',
    periodEnd: '2026-11-20T23:00:00.000Z',
    periodLabel: '2026-11-20',
    periodHours: 24,
    failures: [],
    hosts: [
      {
        region: 'us-east-1',
        endpointName: 'llm-endpoint',
        variantName: 'AllTraffic',
        instanceType: 'ml.g6.12xlarge',
        instanceCount: 1,
        serverless: false,
        measuredInstanceHours: { current: 24, previous: 24 },
        components: [
          {
            name: 'llama-chat',
            copies: 1,
            acceleratorsPerCopy: 2,
            measuredGpuHours: { current: 48, previous: 40 },
            invocations: { current: 182_000, previous: 150_000 },
          },
          {
            name: 'embeddings',
            copies: 1,
            acceleratorsPerCopy: 1,
            measuredGpuHours: { current: 24, previous: 24 },
            invocations: { current: 940_000, previous: 910_000 },
          },
        ],
      },
      {
        region: 'us-east-1',
        endpointName: 'tabular-scoring',
        variantName: 'AllTraffic',
        instanceType: 'ml.m5.xlarge',
        instanceCount: 2,
        serverless: false,
        components: [],
        invocations: { current: 52_000, previous: 61_000 },
      },
    ],
  };
  return renderCostReport(attributeCosts(snapshot, prices));
}

/** The ledger of the month in test/jobs/savings-report.test.ts (its hand computation), as the report renders it. */
function savingsReport(): RenderedReport {
  const month = parseMonth('2026-11', 'UTC') as Month;
  const entry = (action: SavingsAction, resource: string, saved: number, how: string): LedgerEntry => ({
    job: SAVINGS_ACTIONS[action].job,
    action,
    region: 'us-east-1',
    resource,
    saved,
    basis: SAVINGS_ACTIONS[action].basis,
    how,
  });
  const ledger = buildLedger({
    month,
    recorded: new Map<SavingsAction, number>([
      ['weekend-scale-down', 343.56],
      ['after-alert', 110.4],
      ['idle-notebook-stop', 1.2],
    ]),
    fromState: [entry('idle-notebook-stop', 'nb-1', 12.7, '$0.05/h x 254.0 h stopped (still stopped)')],
    perResource: [
      entry('weekend-scale-down', 'weekend-host', 343.56, 'instances released x price x hours until the scheduled restore'),
      entry('after-alert', 'forgotten', 110.4, 'cost per day the alert reported x days gone'),
      entry('idle-notebook-stop', 'nb-1', 1.2, 'price x hours stopped'),
    ],
    previous: new Map<SavingsAction, number>([['weekend-scale-down', 85.89]]),
    notes: [],
  });
  return renderSavingsReport(ledger, {
    previousMonth: '2026-10',
    evaluatedAt: '2026-12-01T08:00:00.000Z',
    failures: [],
    notebookPrices: NOTEBOOK_PRICE_SOURCE,
  });
}

function section(title: string, event: string, report: RenderedReport | undefined): string {
  if (!report) return `## ${title}\n\nNothing to report: no message is sent.\n`;
  return [
    `## ${title}`,
    '',
    `Event: \`${event}\``,
    '',
    `**Subject:** ${report.subject}`,
    '',
    '**Email:**',
    '',
    '```text',
    report.email,
    '```',
    '',
    `**SMS** (as the phone shows it, ${`${smsPrefix(DEFAULT_TOPIC_DISPLAY_NAME)}${report.sms}`.length} of 160 characters):`,
    '',
    '```text',
    `${smsPrefix(DEFAULT_TOPIC_DISPLAY_NAME)}${report.sms}`,
    '```',
    '',
  ].join('\n');
}

/** Every kind of report the jobs send, by name: what the docs show and what the chat payload test pins. */
function sampleReports(): Record<string, RenderedReport | undefined> {
  return {
    'idle-endpoints': idleEndpoints(),
    'idle-notebooks: idle check': idleNotebooks(),
    'idle-notebooks: Studio audit': studioAudit(),
    'weekend-scaling: scale-down': weekendScaleDown(),
    'cost-report': costReport(),
    'savings-report': savingsReport(),
  };
}

function samples(): string {
  return [
    '# What the bot sends',
    '',
    'Generated by `npm run -s samples` from the real renderers (the idle-endpoints sample is the bundled',
    'demo account, with utilisation peaks for three of its busy endpoints); a test keeps this file in step with them. Figures are examples.',
    '',
    section('idle-endpoints', '{}', idleEndpoints()),
    section('idle-notebooks: idle check', '{"action": "idle-check"}', idleNotebooks()),
    section('idle-notebooks: Studio audit', '{"action": "studio-audit"}', studioAudit()),
    section('weekend-scaling: scale-down', '{"action": "scale-down"}', weekendScaleDown()),
    section('cost-report', '{}', costReport()),
    section('savings-report', '{}', savingsReport()),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(
      'Usage: npm run -s samples > docs/samples.md\n\nPrints what each job sends (subject, email, SMS), rendered by the real renderers from fixed inputs.',
    );
  } else process.stdout.write(samples());
}

export { samples, sampleReports };
