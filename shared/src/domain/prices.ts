/**
 * On-demand prices for SageMaker hosting and notebook instances, with the hardware facts the cost
 * report splits them by. A price comes from, in order: PRICE_OVERRIDES (the admin's own numbers),
 * the AWS Price List read this run, the embedded table (three US regions, compiled 2026-11). Every
 * figure says which; an instance type none of them prices is "price unknown", never $0.
 */

/** The hardware of one instance type. */
interface InstanceHardware {
  /** GPUs (or, for inf2, Neuron devices) per instance; 0 on CPU-only types. */
  readonly accelerators: number;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Memory of each GPU, when the source states it. */
  readonly gpuMemoryGiB?: number | undefined;
}

interface InstanceSpec extends InstanceHardware {
  /** On-demand $/hour for one instance, real-time inference hosting. */
  readonly pricePerHour: number;
}

type PriceOverrides = Readonly<Record<string, number>>;

type PriceSource = 'price-list' | 'table' | 'override';

interface HourlyPrice {
  readonly pricePerHour: number;
  readonly source: PriceSource;
}

/** One family of instance types in one region, as the Price List answered it this run. */
interface PriceListFamily {
  readonly region: string;
  /** `ml.g5` */
  readonly family: string;
  /** Why the Price List gave nothing for it (denied, throttled, unreachable, out of time). */
  readonly unavailable?: string | undefined;
}

/** What the AWS Price List said this run: hourly prices and hardware by `<region> <instance type>`. */
interface PriceListReading {
  /** The UTC date the prices were read (a warm container may keep them for hours). */
  readonly readOn: string;
  readonly hosting: ReadonlyMap<string, number>;
  readonly notebook: ReadonlyMap<string, number>;
  /** Studio apps (JupyterLab, Code Editor, KernelGateway), by region and instance type. */
  readonly studio?: ReadonlyMap<string, number> | undefined;
  /** A Canvas session hour, by `<region> session`. */
  readonly canvas?: ReadonlyMap<string, number> | undefined;
  /** An MLflow tracking server hour, by `<region> <size>` (`us-east-1 small`). */
  readonly mlflow?: ReadonlyMap<string, number> | undefined;
  readonly hardware: ReadonlyMap<string, InstanceHardware>;
  readonly families: readonly PriceListFamily[];
}

const priceKey = (region: string, instanceType: string) => `${region} ${instanceType}`;

/** What a Canvas row of the Price List prices: a session hour, whatever instance is behind it. */
const CANVAS_SESSION = 'session';

/** `ml.g5.12xlarge` → `ml.g5`: its family, whose sizes share one kind of hardware. */
function instanceFamily(instanceType: string): string {
  return instanceType.split('.').slice(0, 2).join('.');
}

/**
 * Compiled from AWS's public SageMaker pricing page (real-time inference, on-demand, US East
 * (N. Virginia)); us-east-2 and us-west-2 list the same prices for these types. Prices change:
 * PRICE_OVERRIDES replaces any entry, and the report always says which source it used.
 */
const PRICE_TABLE_SOURCE = 'embedded table of 2026-11 (us-east-1, us-east-2, us-west-2)';
const PRICED_REGIONS: ReadonlySet<string> = new Set(['us-east-1', 'us-east-2', 'us-west-2']);

function spec(pricePerHour: number, accelerators: number, vcpus: number, memoryGiB: number): InstanceSpec {
  return { pricePerHour, accelerators, vcpus, memoryGiB };
}

/** Memory per GPU (or Neuron device) by family: T4 16 GiB, A10G and L4 24 GiB, V100 16, A100 40, H100 80, Inferentia2 32. */
const GPU_MEMORY_GIB: Readonly<Record<string, number>> = {
  'ml.g4dn': 16,
  'ml.g5': 24,
  'ml.g6': 24,
  'ml.p3': 16,
  'ml.p4d': 40,
  'ml.p5': 80,
  'ml.inf2': 32,
};

const INSTANCE_SPECS: Readonly<Record<string, InstanceSpec>> = {
  'ml.t2.medium': spec(0.056, 0, 2, 4),
  'ml.t2.large': spec(0.111, 0, 2, 8),
  'ml.t2.xlarge': spec(0.222, 0, 4, 16),
  'ml.m5.large': spec(0.115, 0, 2, 8),
  'ml.m5.xlarge': spec(0.23, 0, 4, 16),
  'ml.m5.2xlarge': spec(0.461, 0, 8, 32),
  'ml.m5.4xlarge': spec(0.922, 0, 16, 64),
  'ml.m5.12xlarge': spec(2.765, 0, 48, 192),
  'ml.m5.24xlarge': spec(5.53, 0, 96, 384),
  'ml.c5.large': spec(0.102, 0, 2, 4),
  'ml.c5.xlarge': spec(0.204, 0, 4, 8),
  'ml.c5.2xlarge': spec(0.408, 0, 8, 16),
  'ml.c5.4xlarge': spec(0.816, 0, 16, 32),
  'ml.c5.9xlarge': spec(1.836, 0, 36, 72),
  'ml.c5.18xlarge': spec(3.672, 0, 72, 144),
  'ml.r5.large': spec(0.151, 0, 2, 16),
  'ml.r5.xlarge': spec(0.302, 0, 4, 32),
  'ml.r5.2xlarge': spec(0.605, 0, 8, 64),
  'ml.r5.4xlarge': spec(1.21, 0, 16, 128),
  'ml.g4dn.xlarge': spec(0.7364, 1, 4, 16),
  'ml.g4dn.2xlarge': spec(0.94, 1, 8, 32),
  'ml.g4dn.4xlarge': spec(1.505, 1, 16, 64),
  'ml.g4dn.8xlarge': spec(2.72, 1, 32, 128),
  'ml.g4dn.12xlarge': spec(4.89, 4, 48, 192),
  'ml.g4dn.16xlarge': spec(5.44, 1, 64, 256),
  'ml.g5.xlarge': spec(1.408, 1, 4, 16),
  'ml.g5.2xlarge': spec(1.515, 1, 8, 32),
  'ml.g5.4xlarge': spec(2.03, 1, 16, 64),
  'ml.g5.8xlarge': spec(3.06, 1, 32, 128),
  'ml.g5.12xlarge': spec(7.09, 4, 48, 192),
  'ml.g5.16xlarge': spec(5.12, 1, 64, 256),
  'ml.g5.24xlarge': spec(10.18, 4, 96, 384),
  'ml.g5.48xlarge': spec(20.36, 8, 192, 768),
  'ml.g6.xlarge': spec(1.006, 1, 4, 16),
  'ml.g6.2xlarge': spec(1.222, 1, 8, 32),
  'ml.g6.4xlarge': spec(1.654, 1, 16, 64),
  'ml.g6.8xlarge': spec(2.518, 1, 32, 128),
  'ml.g6.12xlarge': spec(5.752, 4, 48, 192),
  'ml.g6.16xlarge': spec(4.246, 1, 64, 256),
  'ml.g6.24xlarge': spec(8.344, 4, 96, 384),
  'ml.g6.48xlarge': spec(16.688, 8, 192, 768),
  'ml.p3.2xlarge': spec(3.825, 1, 8, 61),
  'ml.p3.8xlarge': spec(14.688, 4, 32, 244),
  'ml.p3.16xlarge': spec(28.152, 8, 64, 488),
  'ml.p4d.24xlarge': spec(37.688, 8, 96, 1152),
  'ml.p5.48xlarge': spec(113.068, 8, 192, 2048),
  'ml.inf2.xlarge': spec(0.99, 1, 4, 16),
  'ml.inf2.8xlarge': spec(2.36, 1, 32, 128),
  'ml.inf2.24xlarge': spec(7.79, 6, 96, 384),
  'ml.inf2.48xlarge': spec(15.58, 12, 192, 768),
};

/**
 * Notebook instances and Studio apps are billed at their own list prices (not hosting prices).
 * Same source and regions as the hosting table; PRICE_OVERRIDES does not apply here.
 */
const NOTEBOOK_PRICE_SOURCE = 'embedded notebook and Studio table of 2026-11 (us-east-1, us-east-2, us-west-2)';
const NOTEBOOK_PRICES: Readonly<Record<string, number>> = {
  'ml.t3.medium': 0.05,
  'ml.t3.large': 0.1,
  'ml.t3.xlarge': 0.2,
  'ml.t3.2xlarge': 0.399,
  'ml.m5.large': 0.115,
  'ml.m5.xlarge': 0.23,
  'ml.m5.2xlarge': 0.461,
  'ml.m5.4xlarge': 0.922,
  'ml.c5.xlarge': 0.204,
  'ml.c5.2xlarge': 0.408,
  'ml.g4dn.xlarge': 0.7364,
  'ml.g4dn.2xlarge': 0.94,
  'ml.g5.xlarge': 1.408,
  'ml.g5.2xlarge': 1.515,
  'ml.p3.2xlarge': 3.825,
};

/**
 * A Canvas session (a logged-in user's workspace instance), billed as `REGION-Canvas:Session-Hrs`
 * (SageMaker Developer Guide, "Canvas pricing"), by the hour, in the table's regions.
 */
const CANVAS_SESSION_PER_HOUR = 1.9;

/** SageMaker ML storage (general purpose SSD), per GB-month: what a stopped Studio space's volume keeps billing. */
const ML_STORAGE_PER_GB_MONTH = 0.14;

function mlStoragePrice(region: string): number | undefined {
  return PRICED_REGIONS.has(region) ? ML_STORAGE_PER_GB_MONTH : undefined;
}

/** The embedded Canvas price; undefined outside the table's regions. A run asks its price book, which asks the Price List first. */
function canvasSessionPrice(region: string): number | undefined {
  return PRICED_REGIONS.has(region) ? CANVAS_SESSION_PER_HOUR : undefined;
}

/** What the source line calls a Canvas session among the instance types it lists. */
const CANVAS_ITEM = 'Canvas session';
/** A tracking server size's key in priceOverrides, and its name on the source line: `Small` → `mlflow.small`. */
const mlflowPriceKey = (size: string) => `mlflow.${size.toLowerCase()}`;

/** The embedded notebook table only; a run with a Price List reading asks its price book instead. */
function notebookHourlyPrice(region: string, instanceType: string): number | undefined {
  return PRICED_REGIONS.has(region) ? NOTEBOOK_PRICES[instanceType] : undefined;
}

interface PriceBook {
  /** One line for the report: where its prices came from, and what was unavailable. */
  readonly source: string;
  hourlyPrice(region: string, instanceType: string): HourlyPrice | undefined;
  /** A notebook instance's $/hour (notebook prices, never hosting ones); overrides do not apply. */
  notebookPrice(region: string, instanceType: string): HourlyPrice | undefined;
  /** A Studio app's $/hour: the Price List's Studio price, else the embedded notebook and Studio table. */
  studioPrice(region: string, instanceType: string): HourlyPrice | undefined;
  /** A Canvas session's $/hour: the Price List's `Canvas:Session-Hrs`, else the embedded table. */
  canvasPrice(region: string): HourlyPrice | undefined;
  /**
   * An MLflow tracking server's $/hour by its size (`Small`): the admin's `mlflow.<size>` override,
   * else the Price List; the table has no MLflow price, so otherwise unknown.
   */
  mlflowPrice(region: string, size: string | undefined): HourlyPrice | undefined;
  instanceSpec(instanceType: string, region?: string): InstanceHardware | undefined;
  /** Every size of a family (`ml.g5`) that the Price List listed for the region or the table knows. */
  familySizes(region: string, family: string): string[];
}

/**
 * Overrides win everywhere (they are the admin's own numbers, e.g. from a savings plan); then what
 * the Price List said for that region; the embedded table only answers for the regions it was
 * compiled for, and only where the Price List did not.
 */
function createPriceBook(overrides: PriceOverrides, listed?: PriceListReading): PriceBook {
  // What answered each price asked for, so the source line names what the figures rest on.
  const used = { 'price-list': new Set<string>(), table: new Set<string>(), override: new Set<string>() };
  const answered = (instanceType: string, price: HourlyPrice | undefined) => {
    if (price) used[price.source].add(instanceType);
    return price;
  };
  return {
    get source() {
      return describeSources(used, listed);
    },
    hourlyPrice(region, instanceType) {
      const override = overrides[instanceType];
      if (override !== undefined) return answered(instanceType, { pricePerHour: override, source: 'override' });
      const fromList = listed?.hosting.get(priceKey(region, instanceType));
      if (fromList !== undefined) return answered(instanceType, { pricePerHour: fromList, source: 'price-list' });
      const tabled = INSTANCE_SPECS[instanceType];
      if (tabled && PRICED_REGIONS.has(region)) return answered(instanceType, { pricePerHour: tabled.pricePerHour, source: 'table' });
      return undefined;
    },
    notebookPrice(region, instanceType) {
      const fromList = listed?.notebook.get(priceKey(region, instanceType));
      if (fromList !== undefined) return answered(instanceType, { pricePerHour: fromList, source: 'price-list' });
      const tabled = notebookHourlyPrice(region, instanceType);
      return answered(instanceType, tabled === undefined ? undefined : { pricePerHour: tabled, source: 'table' });
    },
    studioPrice(region, instanceType) {
      const fromList = listed?.studio?.get(priceKey(region, instanceType));
      if (fromList !== undefined) return answered(instanceType, { pricePerHour: fromList, source: 'price-list' });
      const tabled = notebookHourlyPrice(region, instanceType);
      return answered(instanceType, tabled === undefined ? undefined : { pricePerHour: tabled, source: 'table' });
    },
    canvasPrice(region) {
      const fromList = listed?.canvas?.get(priceKey(region, CANVAS_SESSION));
      if (fromList !== undefined) return answered(CANVAS_ITEM, { pricePerHour: fromList, source: 'price-list' });
      const tabled = canvasSessionPrice(region);
      return answered(CANVAS_ITEM, tabled === undefined ? undefined : { pricePerHour: tabled, source: 'table' });
    },
    mlflowPrice(region, size) {
      if (!size) return undefined;
      const item = mlflowPriceKey(size);
      const override = overrides[item];
      if (override !== undefined) return answered(item, { pricePerHour: override, source: 'override' });
      const fromList = listed?.mlflow?.get(priceKey(region, size.toLowerCase()));
      return answered(item, fromList === undefined ? undefined : { pricePerHour: fromList, source: 'price-list' });
    },
    instanceSpec(instanceType, region) {
      const fromList = region ? listed?.hardware.get(priceKey(region, instanceType)) : firstListedHardware(listed, instanceType);
      if (fromList) return fromList;
      const tabled = INSTANCE_SPECS[instanceType];
      const gpuMemoryGiB = tabled && tabled.accelerators > 0 ? GPU_MEMORY_GIB[instanceFamily(instanceType)] : undefined;
      return tabled && { accelerators: tabled.accelerators, vcpus: tabled.vcpus, memoryGiB: tabled.memoryGiB, ...(gpuMemoryGiB ? { gpuMemoryGiB } : {}) };
    },
    familySizes(region, family) {
      const prefix = `${family}.`;
      const listedSizes = [...(listed?.hardware.keys() ?? [])]
        .filter((key) => key.startsWith(`${region} ${prefix}`))
        .map((key) => key.slice(region.length + 1));
      return [...new Set([...listedSizes, ...Object.keys(INSTANCE_SPECS).filter((type) => type.startsWith(prefix))])];
    },
  };
}

/** Hardware does not change by region: any region's listing of the type will do. */
function firstListedHardware(listed: PriceListReading | undefined, instanceType: string): InstanceHardware | undefined {
  if (!listed) return undefined;
  for (const [key, hardware] of listed.hardware) if (key.endsWith(` ${instanceType}`)) return hardware;
  return undefined;
}

const listOf = (types: ReadonlySet<string>) => [...types].sort().join(', ');

/**
 * "AWS Price List, 2026-12-03", the table and why the Price List did not price it, the overrides:
 * whichever the figures rest on. The admin forwarding a figure must know whether it is today's list
 * price, a compiled one, or their own.
 */
function describeSources(used: Readonly<Record<PriceSource, ReadonlySet<string>>>, listed: PriceListReading | undefined): string {
  const parts: string[] = [];
  const nothingPriced = used['price-list'].size + used.table.size + used.override.size === 0;
  const listAnswered = listed?.families.some((family) => family.unavailable === undefined) ?? false;
  if (used['price-list'].size > 0 || (nothingPriced && listAnswered)) parts.push(`AWS Price List, ${listed?.readOn ?? 'today'}`);
  if (used.table.size > 0 || (nothingPriced && !listAnswered)) parts.push(describeTableUse(used, listed));
  if (used.override.size > 0) parts.push(`PRICE_OVERRIDES for ${listOf(used.override)}`);
  return parts.join('; ');
}

function describeTableUse(used: Readonly<Record<PriceSource, ReadonlySet<string>>>, listed: PriceListReading | undefined): string {
  if (!listed) return `${PRICE_TABLE_SOURCE}, Price List not read`;
  const missing = listed.families.filter((family) => family.unavailable !== undefined);
  const reasons = [...new Set(missing.map((family) => family.unavailable))].join('; ');
  if (missing.length > 0 && missing.length === listed.families.length) return `${PRICE_TABLE_SOURCE}, Price List unavailable (${reasons})`;
  const types = used.table.size > 0 ? ` for ${listOf(used.table)}` : '';
  return missing.length > 0
    ? `${PRICE_TABLE_SOURCE}${types} (Price List unavailable for ${missing.map((family) => `${family.family} in ${family.region}`).join(', ')}: ${reasons})`
    : `${PRICE_TABLE_SOURCE}${types} (not in the Price List)`;
}

const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9-]+$/;
/** An MLflow tracking server size: the embedded table has no MLflow price, so the admin may give one. */
const MLFLOW_SIZE_PATTERN = /^mlflow\.(small|medium|large)$/;

/** Validates `{"ml.g5.xlarge": 1.41, …}`; the error names the offending key. */
function parsePriceOverrides(value: unknown): PriceOverrides {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('must be a JSON object of instance type to $/hour');
  }
  const overrides: Record<string, number> = {};
  for (const [instanceType, price] of Object.entries(value)) {
    if (!INSTANCE_TYPE_PATTERN.test(instanceType) && !MLFLOW_SIZE_PATTERN.test(instanceType)) {
      throw new TypeError(`has key "${instanceType}", which is not an ml.* instance type or mlflow.small, mlflow.medium, mlflow.large`);
    }
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      throw new TypeError(`has "${instanceType}": ${JSON.stringify(price)}, which is not a price in $/hour`);
    }
    overrides[instanceType] = price;
  }
  return overrides;
}

export {
  CANVAS_SESSION,
  mlflowPriceKey,
  PRICE_TABLE_SOURCE,
  PRICED_REGIONS,
  NOTEBOOK_PRICE_SOURCE,
  createPriceBook,
  parsePriceOverrides,
  notebookHourlyPrice,
  canvasSessionPrice,
  mlStoragePrice,
  priceKey,
  instanceFamily,
};
export type { InstanceSpec, InstanceHardware, PriceOverrides, PriceBook, HourlyPrice, PriceSource, PriceListReading, PriceListFamily };
