/**
 * Per-model cost attribution on shared SageMaker endpoints, in the manner of OpenCost: each
 * inference component pays for the share of the instances it holds (GPUs on GPU instances, CPU
 * cores, or memory as a fallback, on CPU instances); what nobody holds is its own line,
 * "unallocated". Pure: measured and configured facts in, dollars out, every figure marked as
 * measured (enhanced metrics) or estimated (current counts × hours).
 */
import type { PriceBook } from './prices.ts';
import { roundCents } from './units.ts';
import type { RunFailure } from './failures.ts';

/** A figure for this period and the one before it, for the day-over-day change. */
interface TwoPeriods {
  readonly current: number;
  readonly previous: number;
}

interface CostComponent {
  readonly name: string;
  /** Copies now (DescribeInferenceComponent CurrentCopyCount): the basis of every estimate. */
  readonly copies: number;
  readonly acceleratorsPerCopy?: number;
  readonly cpuCoresPerCopy?: number;
  readonly memoryMbPerCopy?: number;
  /** GPU-hours from enhanced metrics (SampleCount of GPUUtilizationNormalized × publish period). */
  readonly measuredGpuHours?: TwoPeriods;
  readonly invocations?: TwoPeriods;
}

interface CostHost {
  readonly region: string;
  readonly endpointName: string;
  readonly variantName: string;
  /** Shadow variants are billed hosts without components; absent means production. */
  readonly role?: 'shadow';
  readonly instanceType?: string;
  readonly instanceCount: number;
  readonly serverless: boolean;
  /** Instance-hours from enhanced per-instance metrics. */
  readonly measuredInstanceHours?: TwoPeriods;
  readonly components: readonly CostComponent[];
  readonly invocations?: TwoPeriods;
  /** Why a measurement is missing (CloudWatch failed for this endpoint): estimates are used instead. */
  readonly metricsProblem?: string;
}

interface CostSnapshot {
  readonly kind: 'cost-report';
  readonly version: 1;
  readonly capturedAt: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** The local dates covered, in the configured zone; absent in older snapshots. */
  readonly periodLabel?: string;
  readonly periodHours: number;
  readonly hosts: readonly CostHost[];
  readonly failures: readonly RunFailure[];
  /** What the report should say about how it was obtained (a discovery that failed, estimates used). */
  readonly notes?: readonly string[];
}

type Source = 'measured' | 'estimated';
type ShareBasis = 'gpu' | 'cpu' | 'memory' | 'whole-endpoint' | 'unknown';

interface ComponentCost {
  readonly name: string;
  readonly basis: ShareBasis;
  readonly source: Source;
  /** Units held over the period: GPU-hours, core-hours or GiB-hours, per `basis`. */
  readonly unitHours: number;
  /** Average units held (GPUs, cores, GiB). */
  readonly averageUnits: number;
  readonly cost?: number;
  readonly previousCost?: number;
  readonly share?: number;
  readonly invocations?: number;
  readonly costPerThousandInvocations?: number;
}

interface HostCost {
  readonly region: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly instanceType?: string;
  readonly instanceCount: number;
  readonly pricePerHour?: number;
  readonly instanceHours: number;
  readonly instanceHoursSource: Source;
  readonly cost?: number;
  readonly previousCost?: number;
  readonly components: readonly ComponentCost[];
  /** Instance cost no component holds; undefined when a price or a share is unknown. */
  readonly unallocated?: number;
  /** Components together claimed more than the instances have (estimates out of step). */
  readonly overAllocated: boolean;
  readonly acceleratorsTotal: number;
  readonly acceleratorsHeld: number;
  readonly note?: string;
}

interface CostReport {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly periodLabel: string;
  readonly periodHours: number;
  readonly priceSource: string;
  readonly hosts: readonly HostCost[];
  readonly totalCost: number;
  readonly previousTotalCost: number;
  readonly totalUnallocated: number;
  readonly unpricedHosts: number;
  readonly topModels: ReadonlyArray<{ readonly name: string; readonly endpointName: string; readonly cost: number }>;
  readonly movers: ReadonlyArray<{ readonly name: string; readonly endpointName: string; readonly cost: number; readonly change: number }>;
  readonly failures: CostSnapshot['failures'];
  readonly notes: readonly string[];
}

interface ShareFacts {
  readonly basis: ShareBasis;
  readonly source: Source;
  readonly unitHours: TwoPeriods;
  /** $ per unit-hour. */
  readonly rate?: number;
}

/** What one component holds, and what a unit of it costs on this host. */
function shareOf(component: CostComponent, host: CostHost, prices: PriceBook, periodHours: number, pricePerHour: number | undefined): ShareFacts {
  const spec = host.instanceType ? prices.instanceSpec(host.instanceType) : undefined;
  const estimate = (perCopy: number): TwoPeriods => ({ current: perCopy * component.copies * periodHours, previous: perCopy * component.copies * periodHours });
  const per = (units: number | undefined) => (pricePerHour !== undefined && units ? pricePerHour / units : undefined);

  if (spec && spec.accelerators > 0) {
    if (component.measuredGpuHours) return { basis: 'gpu', source: 'measured', unitHours: component.measuredGpuHours, rate: per(spec.accelerators) };
    if (component.acceleratorsPerCopy !== undefined) {
      return { basis: 'gpu', source: 'estimated', unitHours: estimate(component.acceleratorsPerCopy), rate: per(spec.accelerators) };
    }
  }
  if (spec && spec.accelerators === 0) {
    if (component.cpuCoresPerCopy) return { basis: 'cpu', source: 'estimated', unitHours: estimate(component.cpuCoresPerCopy), rate: per(spec.vcpus) };
    if (component.memoryMbPerCopy)
      return { basis: 'memory', source: 'estimated', unitHours: estimate(component.memoryMbPerCopy / 1024), rate: per(spec.memoryGiB) };
  }
  return { basis: 'unknown', source: 'estimated', unitHours: { current: 0, previous: 0 } };
}

function attributeHost(host: CostHost, prices: PriceBook, periodHours: number): HostCost {
  const price = host.instanceType ? prices.hourlyPrice(host.region, host.instanceType)?.pricePerHour : undefined;
  const spec = host.instanceType ? prices.instanceSpec(host.instanceType) : undefined;
  const instanceHours: TwoPeriods = host.measuredInstanceHours ?? { current: host.instanceCount * periodHours, previous: host.instanceCount * periodHours };
  const instanceHoursSource: Source = host.measuredInstanceHours ? 'measured' : 'estimated';
  const cost = price !== undefined ? instanceHours.current * price : undefined;
  const previousCost = price !== undefined ? instanceHours.previous * price : undefined;
  const acceleratorsTotal = (spec?.accelerators ?? 0) * (periodHours > 0 ? instanceHours.current / periodHours : 0);

  if (host.components.length === 0) {
    // A single-model endpoint (or a shadow variant): the model is the host, and pays for all of it.
    const name = host.role === 'shadow' ? `${host.endpointName} (shadow variant ${host.variantName})` : `${host.endpointName} (whole endpoint)`;
    const invocations = host.invocations?.current;
    return {
      ...hostBase(host, price, instanceHours.current, instanceHoursSource, cost, previousCost),
      components: [
        {
          name,
          basis: 'whole-endpoint',
          source: instanceHoursSource,
          unitHours: instanceHours.current,
          averageUnits: periodHours > 0 ? instanceHours.current / periodHours : 0,
          ...(cost !== undefined ? { cost: roundCents(cost), share: 1 } : {}),
          ...(previousCost !== undefined ? { previousCost: roundCents(previousCost) } : {}),
          ...perThousand(cost, invocations),
        },
      ],
      ...(cost !== undefined ? { unallocated: 0 } : {}),
      overAllocated: false,
      acceleratorsTotal,
      acceleratorsHeld: acceleratorsTotal,
    };
  }

  // Unrounded costs, so that unallocated matches the hand computation; the lines are rounded for display.
  const exactCosts: Array<number | undefined> = [];
  const components = host.components.map((component): ComponentCost => {
    const share = shareOf(component, host, prices, periodHours, price);
    const componentCost = share.rate !== undefined ? share.unitHours.current * share.rate : undefined;
    exactCosts.push(componentCost);
    const componentPrevious = share.rate !== undefined ? share.unitHours.previous * share.rate : undefined;
    return {
      name: component.name,
      basis: share.basis,
      source: share.source,
      unitHours: share.unitHours.current,
      averageUnits: periodHours > 0 ? share.unitHours.current / periodHours : 0,
      ...(componentCost !== undefined ? { cost: roundCents(componentCost) } : {}),
      ...(componentPrevious !== undefined ? { previousCost: roundCents(componentPrevious) } : {}),
      ...(componentCost !== undefined && cost ? { share: componentCost / cost } : {}),
      ...perThousand(componentCost, component.invocations?.current),
    };
  });
  const allKnown = cost !== undefined && exactCosts.every((exact) => exact !== undefined);
  const held = exactCosts.reduce<number>((total, exact) => total + (exact ?? 0), 0);
  const overAllocated = allKnown && held > (cost ?? 0) + 0.005;
  const acceleratorsHeld = components.filter((c) => c.basis === 'gpu').reduce((total, c) => total + c.averageUnits, 0);
  return {
    ...hostBase(host, price, instanceHours.current, instanceHoursSource, cost, previousCost),
    components,
    ...(allKnown ? { unallocated: roundCents(Math.max(0, (cost ?? 0) - held)) } : {}),
    overAllocated,
    acceleratorsTotal,
    acceleratorsHeld,
  };
}

function hostBase(
  host: CostHost,
  price: number | undefined,
  instanceHours: number,
  source: Source,
  cost: number | undefined,
  previousCost: number | undefined,
) {
  return {
    region: host.region,
    endpointName: host.endpointName,
    variantName: host.variantName,
    ...(host.instanceType ? { instanceType: host.instanceType } : {}),
    instanceCount: host.instanceCount,
    ...(price !== undefined ? { pricePerHour: price } : {}),
    instanceHours,
    instanceHoursSource: source,
    ...(cost !== undefined ? { cost: roundCents(cost) } : {}),
    ...(previousCost !== undefined ? { previousCost: roundCents(previousCost) } : {}),
    ...(host.metricsProblem ? { note: `enhanced metrics unavailable, estimated instead: ${host.metricsProblem}` } : {}),
  };
}

function perThousand(cost: number | undefined, invocations: number | undefined) {
  if (invocations === undefined) return {};
  // Per 1,000 invocations is often a fraction of a cent: keep four decimals.
  return {
    invocations,
    ...(cost !== undefined && invocations > 0 ? { costPerThousandInvocations: Math.round((cost / invocations) * 1000 * 10_000) / 10_000 } : {}),
  };
}

function attributeCosts(snapshot: CostSnapshot, prices: PriceBook): CostReport {
  const hosts = snapshot.hosts.filter((host) => !host.serverless).map((host) => attributeHost(host, prices, snapshot.periodHours));
  const models = hosts.flatMap((host) => host.components.map((component) => ({ ...component, endpointName: host.endpointName })));
  return {
    periodStart: snapshot.periodStart,
    periodEnd: snapshot.periodEnd,
    periodLabel: snapshot.periodLabel ?? utcLabel(snapshot),
    periodHours: snapshot.periodHours,
    priceSource: prices.source,
    hosts,
    totalCost: roundCents(hosts.reduce((total, host) => total + (host.cost ?? 0), 0)),
    previousTotalCost: roundCents(hosts.reduce((total, host) => total + (host.previousCost ?? 0), 0)),
    totalUnallocated: roundCents(hosts.reduce((total, host) => total + (host.unallocated ?? 0), 0)),
    unpricedHosts: hosts.filter((host) => host.cost === undefined).length,
    topModels: models
      .filter((model) => model.cost !== undefined)
      .sort((a, b) => (b.cost ?? 0) - (a.cost ?? 0))
      .slice(0, 5)
      .map((model) => ({ name: model.name, endpointName: model.endpointName, cost: model.cost ?? 0 })),
    movers: models
      .filter((model) => model.cost !== undefined && model.previousCost !== undefined && Math.abs((model.cost ?? 0) - (model.previousCost ?? 0)) >= 0.01)
      .map((model) => ({
        name: model.name,
        endpointName: model.endpointName,
        cost: model.cost ?? 0,
        change: roundCents((model.cost ?? 0) - (model.previousCost ?? 0)),
      }))
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, 5),
    failures: snapshot.failures,
    notes: snapshot.notes ?? [],
  };
}

/** Older snapshots carry no local label: their UTC dates. */
function utcLabel(snapshot: CostSnapshot): string {
  const first = snapshot.periodStart.slice(0, 10);
  const last = new Date(Date.parse(snapshot.periodEnd) - 1).toISOString().slice(0, 10);
  return first === last ? first : `${first} to ${last}`;
}

export { attributeCosts, attributeHost };
export type { TwoPeriods, CostComponent, CostHost, CostSnapshot, ComponentCost, HostCost, CostReport, ShareBasis, Source };
