/**
 * What one AWS Price List product says, read as input from someone else. A GetProducts answer for
 * SageMaker mixes every use of an instance name (hosting, asynchronous inference, training,
 * processing, notebooks, Studio, each at its own price): only a hosting usage type prices an
 * endpoint and only a notebook usage type prices a notebook instance. Canvas sessions and MLflow
 * tracking servers are priced by their own usage types. Anything that does not parse cleanly is
 * left out, and the caller falls back to the embedded table (or, for MLflow, the admin's override).
 */
import { CANVAS_SESSION, instanceFamily, priceKey, type InstanceHardware, type PriceListFamily, type PriceListReading } from './prices.ts';

type PriceListUse = 'hosting' | 'notebook' | 'studio' | 'canvas' | 'mlflow';

interface PriceListRow {
  readonly region: string;
  /** What it prices: an instance type (hosting, notebook, Studio), `session` (Canvas), a tracking server size (`small`, MLflow). */
  readonly item: string;
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

/**
 * A Canvas session hour, `USE1-Canvas:Session-Hrs`: the Developer Guide's "Canvas pricing" names the
 * usage type `REGION-Canvas:Session-Hrs`, and the Billing User Guide's free-tier list has
 * `Canvas:Session-Hrs-Parent` (a free-tier counter, not a price: the anchor leaves it out).
 */
const CANVAS_USAGE_TYPE = /^(?:[A-Z0-9]+-)?Canvas:Session-Hrs$/;

/**
 * AWS documents no usage type for MLflow tracking servers, so none is assumed: a row prices a size
 * only when its usage type names MLflow (any case: the product is "MLflow", the API `Mlflow`, the
 * ARN `mlflow`) and exactly one size (`Small`, `Medium`, `Large`, the API's TrackingServerSize) is
 * named there or in a size attribute, never two. Anything else is left out and the override answers.
 */
const MLFLOW_IN_USAGE_TYPE = /mlflow/i;
const SIZE_WORD = /(?<![a-z])(small|medium|large)(?![a-z])/gi;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One element of GetProducts' `PriceList` (a JSON document in a string, AWS Price List Query API
 * Reference, GetProducts), or undefined when it is not a single on-demand hourly price for hosting,
 * a notebook, a Studio app, a Canvas session or an MLflow tracking server size in a region.
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
  const usageType = String(attributes.usagetype ?? '');
  const region = attributes.regionCode;
  if (typeof region !== 'string' || region === '') return undefined;
  const priced = pricedItem(usageType, attributes);
  if (!priced) return undefined;
  const pricePerHour = onDemandHourlyUsd(parsed.terms);
  if (pricePerHour === undefined) return undefined;
  return { region, ...priced, pricePerHour, ...(priced.use === 'hosting' ? { hardware: hardwareOf(attributes) } : {}) };
}

/** What a usage type prices, or undefined when it is none of the uses the bot prices (or says two things). */
function pricedItem(usageType: string, attributes: Json): { use: PriceListUse; item: string } | undefined {
  const instance = USAGE_TYPE.exec(usageType);
  if (instance) {
    const instanceType = instance[2] as string;
    // The usage type and the instance name must agree; a row that says two things says nothing.
    if (attributes.instanceName !== undefined && attributes.instanceName !== instanceType) return undefined;
    return { use: USES[instance[1] as string] as PriceListUse, item: instanceType };
  }
  if (CANVAS_USAGE_TYPE.test(usageType)) return { use: 'canvas', item: CANVAS_SESSION };
  if (!MLFLOW_IN_USAGE_TYPE.test(usageType)) return undefined;
  const sizeAttributes = Object.entries(attributes).filter(([name, value]) => /size/i.test(name) && typeof value === 'string');
  const named = [usageType, ...sizeAttributes.map(([, value]) => value as string)].flatMap((text) =>
    [...text.matchAll(SIZE_WORD)].map((match) => (match[1] as string).toLowerCase()),
  );
  const sizes = new Set(named);
  return sizes.size === 1 ? { use: 'mlflow', item: [...sizes][0] as string } : undefined;
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
  /** An instance family (`ml.g5`), or `canvas` / `mlflow` for those services' own rows. */
  readonly family: string;
  readonly rows?: readonly PriceListRow[] | undefined;
  readonly unavailable?: string | undefined;
}

/** The family a row answers for: its instance family, or its service. */
function rowFamily(row: PriceListRow): string {
  return row.use === 'canvas' || row.use === 'mlflow' ? row.use : instanceFamily(row.item);
}

/**
 * The run's reading. A row counts only for the region and family it was asked for (the filter
 * already says so; a row of another region is still refused here). Two different prices for one
 * item, use and region cancel each other: the table (or the override) answers for it instead.
 */
function assemblePriceList(readOn: string, answers: readonly FamilyAnswer[]): PriceListReading {
  const prices: Record<PriceListUse, Map<string, number>> = {
    hosting: new Map(),
    notebook: new Map(),
    studio: new Map(),
    canvas: new Map(),
    mlflow: new Map(),
  };
  const conflicting = new Set<string>();
  const hardware = new Map<string, InstanceHardware>();
  const families: PriceListFamily[] = [];
  for (const answer of answers) {
    families.push({ region: answer.region, family: answer.family, unavailable: answer.unavailable });
    for (const row of answer.rows ?? []) {
      if (row.region !== answer.region || rowFamily(row) !== answer.family) continue;
      const key = priceKey(row.region, row.item);
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
  return { readOn, ...prices, hardware, families };
}

export { readPriceListRow, assemblePriceList };
export type { FamilyAnswer };
export type { PriceListRow, PriceListUse };
