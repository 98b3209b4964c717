/**
 * What one AWS Price List product says, read as input from someone else. A GetProducts answer for
 * SageMaker mixes every use of an instance name (hosting, asynchronous inference, training,
 * processing, notebooks, Studio, each at its own price): only a hosting usage type prices an
 * endpoint and only a notebook usage type prices a notebook instance. Anything that does not parse
 * cleanly is left out, and the caller falls back to the embedded table for it.
 */
import { instanceFamily, priceKey, type InstanceHardware, type PriceListFamily, type PriceListReading } from './prices.ts';

type PriceListUse = 'hosting' | 'notebook' | 'studio';

interface PriceListRow {
  readonly region: string;
  readonly instanceType: string;
  readonly use: PriceListUse;
  readonly pricePerHour: number;
  /** The hardware, when the product's attributes state it plainly. */
  readonly hardware?: InstanceHardware | undefined;
}

/**
 * `USE1-Host:ml.g5.xlarge` (real-time hosting), `EUC1-Notebk:ml.t3.medium` (notebook instances),
 * `USE1-Studio:JupyterLab-ml.t3.medium` (a Studio app of that type; JupyterLab, Code Editor and
 * KernelGateway apps share one price per instance, else the prices cancel and the table answers).
 */
const USAGE_TYPE = /^(?:[A-Z0-9]+-)?(Host|Notebk|Studio):(?:(?:JupyterLab|CodeEditor|KernelGateway)-)?(ml\.[a-z0-9-]+\.[a-z0-9-]+)$/;
const USES: Readonly<Record<string, PriceListUse>> = { Host: 'hosting', Notebk: 'notebook', Studio: 'studio' };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One element of GetProducts' `PriceList` (a JSON document in a string, AWS Price List Query API
 * Reference, GetProducts), or undefined when it is not a single on-demand hourly price for hosting
 * or a notebook in a region.
 */
function readPriceListRow(document: string): PriceListRow | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    // Not JSON: this element prices nothing, which is the same as its absence (the table answers).
    return undefined;
  }
  if (!isObject(parsed) || !isObject(parsed.product) || !isObject(parsed.product.attributes)) return undefined;
  const attributes = parsed.product.attributes;
  const usage = USAGE_TYPE.exec(String(attributes.usagetype ?? ''));
  const region = attributes.regionCode;
  if (!usage || typeof region !== 'string' || region === '') return undefined;
  const instanceType = usage[2] as string;
  // The usage type and the instance name must agree; a row that says two things says nothing.
  if (attributes.instanceName !== undefined && attributes.instanceName !== instanceType) return undefined;
  const pricePerHour = onDemandHourlyUsd(parsed.terms);
  if (pricePerHour === undefined) return undefined;
  return { region, instanceType, use: USES[usage[1] as string] as PriceListUse, pricePerHour, hardware: hardwareOf(attributes) };
}

/**
 * `terms.OnDemand.<offer>.priceDimensions.<rate>.pricePerUnit.USD`, a decimal string, unit "Hrs".
 * Exactly one offer with exactly one dimension: tiers or several offers are not one hourly price.
 * Zero is a free-tier row, never the on-demand price of an instance.
 */
function onDemandHourlyUsd(terms: unknown): number | undefined {
  if (!isObject(terms) || !isObject(terms.OnDemand)) return undefined;
  const offers = Object.values(terms.OnDemand);
  if (offers.length !== 1 || !isObject(offers[0]) || !isObject(offers[0].priceDimensions)) return undefined;
  const dimensions = Object.values(offers[0].priceDimensions);
  if (dimensions.length !== 1 || !isObject(dimensions[0])) return undefined;
  const dimension = dimensions[0];
  if (dimension.unit !== 'Hrs' || !isObject(dimension.pricePerUnit)) return undefined;
  const usd = dimension.pricePerUnit.USD;
  if (typeof usd !== 'string' || !/^\d+(\.\d+)?$/.test(usd)) return undefined;
  const price = Number(usd);
  return price > 0 && Number.isFinite(price) ? price : undefined;
}

/** "16 GiB" → 16; "4" → 4; "N/A", "NA", "" → undefined. */
function quantity(value: unknown, unit?: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = (unit ? new RegExp(`^(\\d+(?:\\.\\d+)?)\\s*${unit}$`) : /^(\d+(?:\.\d+)?)$/).exec(value.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * vCPUs and memory must both be stated; GPUs are 0 only when the product says "0" or names no
 * GPU at all (`gpu` "N/A" on a CPU type). A GPU count it cannot read leaves the whole spec out.
 */
function hardwareOf(attributes: Json): InstanceHardware | undefined {
  const vcpus = quantity(attributes.vCpu);
  const memoryGiB = quantity(attributes.memory, 'GiB');
  if (vcpus === undefined || memoryGiB === undefined) return undefined;
  const gpu = attributes.gpu;
  const noGpu = gpu === undefined || gpu === 'N/A' || gpu === 'NA';
  const accelerators = noGpu ? 0 : quantity(gpu);
  if (accelerators === undefined) return undefined;
  const gpuMemoryGiB = quantity(attributes.gpuMemory, 'GiB') ?? quantity(attributes.gpuMemory);
  return { accelerators, vcpus, memoryGiB, ...(accelerators > 0 && gpuMemoryGiB !== undefined ? { gpuMemoryGiB } : {}) };
}

/** One region and family as queried: the rows it answered, or why it did not answer. */
interface FamilyAnswer {
  readonly region: string;
  readonly family: string;
  readonly rows?: readonly PriceListRow[] | undefined;
  readonly unavailable?: string | undefined;
}

/**
 * The run's reading. A row counts only for the region and family it was asked for (the filter
 * already says so; a row of another region is still refused here). Two different prices for one
 * type, use and region cancel each other: the table answers for it instead.
 */
function assemblePriceList(readOn: string, answers: readonly FamilyAnswer[]): PriceListReading {
  const prices = { hosting: new Map<string, number>(), notebook: new Map<string, number>(), studio: new Map<string, number>() };
  const conflicting = new Set<string>();
  const hardware = new Map<string, InstanceHardware>();
  const families: PriceListFamily[] = [];
  for (const answer of answers) {
    families.push({ region: answer.region, family: answer.family, unavailable: answer.unavailable });
    for (const row of answer.rows ?? []) {
      if (row.region !== answer.region || instanceFamily(row.instanceType) !== answer.family) continue;
      const key = priceKey(row.region, row.instanceType);
      const known = prices[row.use].get(key);
      if (known !== undefined && known !== row.pricePerHour) conflicting.add(`${row.use} ${key}`);
      prices[row.use].set(key, row.pricePerHour);
      if (row.hardware && row.use === 'hosting') hardware.set(key, row.hardware);
    }
  }
  for (const entry of conflicting) {
    const [use, ...key] = entry.split(' ');
    prices[use as PriceListUse].delete(key.join(' '));
  }
  return { readOn, hosting: prices.hosting, notebook: prices.notebook, studio: prices.studio, hardware, families };
}

export { readPriceListRow, assemblePriceList };
export type { FamilyAnswer };
export type { PriceListRow, PriceListUse };
