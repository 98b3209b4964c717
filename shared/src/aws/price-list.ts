/**
 * Today's on-demand prices and hardware from the AWS Price List Query API (GetProducts, service
 * code AmazonSageMaker). The API answers only in us-east-1, eu-central-1 and ap-south-1, for every
 * region's products: one client in the nearest of those, whatever region the bot runs in. One
 * query per region and instance family the run prices (and per region for Canvas sessions and for
 * MLflow tracking servers, when the run has one to price), each read once and kept by a warm
 * container for hours; whatever it cannot read is named, and the embedded table answers for it.
 */
import { GetProductsCommand, type GetProductsCommandInput, type GetProductsCommandOutput, type PricingClient } from '@aws-sdk/client-pricing';
import { describeFailure } from '../errors.ts';
import { assemblePriceList, readPriceListRow, type FamilyAnswer, type PriceListRow } from '../domain/price-list.ts';
import { instanceFamily, type PriceListReading } from '../domain/prices.ts';
import { mapSettled } from '../util/concurrency.ts';
import { NO_DEADLINE, OutOfTimeError, type Deadline } from '../util/deadline.ts';

/** The Price List Query API's endpoints (AWS Price List Query API, "Endpoints"). */
const PRICE_LIST_REGIONS = ['us-east-1', 'eu-central-1', 'ap-south-1'] as const;

/** Europe, the Middle East and Africa ask Frankfurt; Asia Pacific asks Mumbai; the rest N. Virginia. */
function priceListRegion(botRegion: string): (typeof PRICE_LIST_REGIONS)[number] {
  if (/^(eu|me|af|il)-/.test(botRegion)) return 'eu-central-1';
  if (/^ap-/.test(botRegion)) return 'ap-south-1';
  return 'us-east-1';
}

/** A family of one region is about a dozen uses × a few sizes (one or two pages); more is not a price list we understand. */
const MAX_PAGES_PER_FAMILY = 20;
/** The Price List API has a low request rate: a couple of queries at a time. */
const QUERY_CONCURRENCY = 2;
/** How long a warm container trusts what it read: prices change rarely, a day's runs need not ask again. */
const CACHE_HOURS = 6;

/** An instance type's prices in a region, or a service's own: a Canvas session hour, an MLflow tracking server hour. */
type WantedPrice = { readonly region: string; readonly instanceType: string } | { readonly region: string; readonly service: 'canvas' | 'mlflow' };

/** The one query a wanted price is answered by: its instance family, or its service. */
function familyOf(wanted: WantedPrice): string {
  return 'service' in wanted ? wanted.service : instanceFamily(wanted.instanceType);
}

/**
 * The products of one query, filtered on the product's region (its regionCode attribute, not the
 * endpoint asked) and on what is priced. An instance family: productFamily "ML Instance" and the
 * family in the instance name. Canvas: its usage type, as the Developer Guide's "Canvas pricing"
 * spells it. MLflow: AWS documents no usage type for it, so every usage type containing "flow"
 * (CONTAINS is a substring match, taken as case-sensitive: "MLflow", "Mlflow" and "mlflow" all
 * contain it), and the reader keeps only rows that name MLflow and one size.
 */
function filtersFor(region: string, family: string): NonNullable<GetProductsCommandInput['Filters']> {
  const inRegion = { Type: 'TERM_MATCH' as const, Field: 'regionCode', Value: region };
  if (family === 'canvas') return [inRegion, { Type: 'CONTAINS', Field: 'usagetype', Value: 'Canvas:Session-Hrs' }];
  if (family === 'mlflow') return [inRegion, { Type: 'CONTAINS', Field: 'usagetype', Value: 'flow' }];
  return [inRegion, { Type: 'TERM_MATCH', Field: 'productFamily', Value: 'ML Instance' }, { Type: 'CONTAINS', Field: 'instanceName', Value: `${family}.` }];
}

interface PriceListReader {
  /** Never throws: a family that cannot be read is listed as unavailable, with why. */
  read(wanted: readonly WantedPrice[], deadline?: Deadline): Promise<PriceListReading>;
}

type PriceListCache = Map<string, { readonly readAt: number; readonly rows: readonly PriceListRow[] }>;
/** Module scope: a warm Lambda container keeps it between invocations. */
const containerCache: PriceListCache = new Map();

/** A cold container's start: nothing read yet (the bench runs several functions in one process). */
function forgetPriceList(): void {
  containerCache.clear();
}

function createPriceListReader(client: PricingClient, clock: () => Date, cache: PriceListCache = containerCache): PriceListReader {
  async function queryFamily(region: string, family: string): Promise<PriceListRow[]> {
    const rows: PriceListRow[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      if (++pages > MAX_PAGES_PER_FAMILY) throw new Error(`more than ${MAX_PAGES_PER_FAMILY} pages for one family`);
      const page: GetProductsCommandOutput = await client.send(
        new GetProductsCommand({
          ServiceCode: 'AmazonSageMaker',
          Filters: filtersFor(region, family),
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          NextToken: token,
        }),
      );
      // Each element is a JSON document in a string (String objects in SDK v3).
      for (const document of page.PriceList ?? []) {
        const row = readPriceListRow(String(document));
        if (row) rows.push(row);
      }
      token = page.NextToken || undefined;
    } while (token);
    return rows;
  }

  return {
    async read(wanted, deadline = NO_DEADLINE) {
      const now = clock().getTime();
      const keys = [...new Set(wanted.map((price) => `${price.region} ${familyOf(price)}`))].sort();
      const settled = await mapSettled(
        keys,
        QUERY_CONCURRENCY,
        async (key): Promise<readonly PriceListRow[]> => {
          const cached = cache.get(key);
          if (cached && now - cached.readAt < CACHE_HOURS * 3_600_000) return cached.rows;
          const [region, family] = key.split(' ') as [string, string];
          const rows = await queryFamily(region, family);
          cache.set(key, { readAt: now, rows });
          return rows;
        },
        deadline,
      );
      const answers: FamilyAnswer[] = keys.map((key, index) => {
        const [region, family] = key.split(' ') as [string, string];
        const outcome = settled[index];
        return outcome?.ok ? { region, family, rows: outcome.value } : { region, family, unavailable: whyUnavailable(outcome?.error) };
      });
      return assemblePriceList(clock().toISOString().slice(0, 10), answers);
    },
  };
}

/**
 * A job's reader, in the Price List region nearest the function (AWS_REGION in Lambda), else nearest
 * the first region the job reads.
 */
function nearestPriceList(pricingIn: (region: string) => PricingClient, jobRegions: readonly string[], clock: () => Date): PriceListReader {
  return createPriceListReader(pricingIn(priceListRegion(process.env.AWS_REGION ?? jobRegions[0] ?? 'us-east-1')), clock);
}

/** Short, because the report repeats it: the fix is different for each. */
function whyUnavailable(error: unknown): string {
  if (error instanceof OutOfTimeError) return 'out of time';
  const name = error instanceof Error ? error.name : '';
  if (name === 'AccessDeniedException') return 'pricing:GetProducts denied';
  if (name === 'ThrottlingException') return 'throttled';
  return describeFailure(error).slice(0, 120);
}

export { createPriceListReader, nearestPriceList, priceListRegion, forgetPriceList, PRICE_LIST_REGIONS };
export type { PriceListReader, WantedPrice, PriceListCache };
