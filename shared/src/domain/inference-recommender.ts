/**
 * What a completed Inference Recommender job found for a model, read as input from someone else:
 * whoever ran the job chose its traffic and its instance types, and its figures are its own
 * estimates. Each is bounded before it is shown, and none is ever used for the bot's own dollars:
 * the report cites the job next to a suggestion, it never prices with it.
 *
 * Units (SageMaker Developer Guide, "Recommendation results"): ModelLatency in milliseconds,
 * CostPerHour in US dollars.
 */

/** One recommended configuration, as DescribeInferenceRecommendationsJob returns it (plain data). */
interface RawRecommendation {
  readonly instanceType?: string | undefined;
  readonly instanceCount?: number | undefined;
  readonly serverlessMemoryMb?: number | undefined;
  readonly costPerHour?: number | undefined;
  readonly modelLatencyMs?: number | undefined;
}

interface RawRecommendationJob {
  readonly jobName: string;
  readonly modelName: string;
  readonly completedAt?: string | undefined;
  readonly recommendations: readonly RawRecommendation[];
}

type Configuration =
  { readonly kind: 'instances'; readonly instanceType: string; readonly instanceCount: number } | { readonly kind: 'serverless'; readonly memoryMb: number };

interface Recommendation {
  readonly configuration: Configuration;
  readonly costPerHour?: number | undefined;
  readonly modelLatencyMs?: number | undefined;
}

interface RecommendationJob {
  readonly jobName: string;
  readonly modelName: string;
  readonly completedAt: string;
  readonly recommendations: readonly Recommendation[];
}

/** Names as the API allows them (SageMaker API Reference, CreateInferenceRecommendationsJob: JobName, ModelName). */
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
/** Beyond these, a figure is not a real endpoint's: the recommendation is left out rather than shown. */
const MAX_INSTANCES = 100;
const MAX_COST_PER_HOUR = 1_000;
const MAX_LATENCY_MS = 600_000;
/** Serverless memory sizes (SageMaker API Reference, ProductionVariantServerlessConfig: 1024–6144 MB). */
const SERVERLESS_MEMORY_MB = { min: 1_024, max: 6_144 };
/** Enough options to pick from; a job that returns more is cut here. */
const MAX_RECOMMENDATIONS = 50;

const within = (value: number | undefined, min: number, max: number) => value !== undefined && Number.isFinite(value) && value >= min && value <= max;
/** A cost or a latency of 0 is no real endpoint's either (a job that failed to measure): not cited. */
const positiveWithin = (value: number | undefined, max: number) => within(value, 0, max) && (value as number) > 0;

function readRecommendation(raw: RawRecommendation): Recommendation | undefined {
  let configuration: Configuration;
  if (raw.instanceType !== undefined) {
    const count = raw.instanceCount ?? 1;
    if (!INSTANCE_TYPE.test(raw.instanceType) || !Number.isInteger(count) || !within(count, 1, MAX_INSTANCES)) return undefined;
    configuration = { kind: 'instances', instanceType: raw.instanceType, instanceCount: count };
  } else if (within(raw.serverlessMemoryMb, SERVERLESS_MEMORY_MB.min, SERVERLESS_MEMORY_MB.max)) {
    configuration = { kind: 'serverless', memoryMb: raw.serverlessMemoryMb as number };
  } else {
    return undefined;
  }
  return {
    configuration,
    costPerHour: positiveWithin(raw.costPerHour, MAX_COST_PER_HOUR) ? raw.costPerHour : undefined,
    modelLatencyMs: positiveWithin(raw.modelLatencyMs, MAX_LATENCY_MS) ? raw.modelLatencyMs : undefined,
  };
}

/** A job worth citing: well-named, completed at a real time, with at least one recommendation that reads. Anything else: undefined. */
function readRecommendationJob(raw: RawRecommendationJob): RecommendationJob | undefined {
  if (!NAME.test(raw.jobName) || !NAME.test(raw.modelName)) return undefined;
  const completedAt = raw.completedAt === undefined ? Number.NaN : Date.parse(raw.completedAt);
  if (Number.isNaN(completedAt)) return undefined;
  const recommendations = raw.recommendations.slice(0, MAX_RECOMMENDATIONS).flatMap((entry) => readRecommendation(entry) ?? []);
  if (recommendations.length === 0) return undefined;
  return { jobName: raw.jobName, modelName: raw.modelName, completedAt: new Date(completedAt).toISOString(), recommendations };
}

interface Citation {
  readonly jobName: string;
  readonly completedAt: string;
  readonly recommendation: Recommendation;
  /** How many recommendations the job made, and which this one is among them. */
  readonly of: number;
  readonly pick: 'cheapest-no-slower-than-today' | 'cheapest';
}

/**
 * The recommendation to cite: the cheapest whose latency is no worse than what the model shows
 * today (p99, where known), else the cheapest with a cost; ties go to lower latency.
 */
function citeRecommendation(job: RecommendationJob, todayModelLatencyMs?: number): Citation {
  const byCost = [...job.recommendations].sort(
    (a, b) =>
      (a.costPerHour ?? Number.POSITIVE_INFINITY) - (b.costPerHour ?? Number.POSITIVE_INFINITY) ||
      (a.modelLatencyMs ?? Number.POSITIVE_INFINITY) - (b.modelLatencyMs ?? Number.POSITIVE_INFINITY),
  );
  const noSlower =
    todayModelLatencyMs === undefined ? undefined : byCost.find((entry) => entry.modelLatencyMs !== undefined && entry.modelLatencyMs <= todayModelLatencyMs);
  const recommendation = noSlower ?? (byCost[0] as Recommendation);
  return {
    jobName: job.jobName,
    completedAt: job.completedAt,
    recommendation,
    of: job.recommendations.length,
    pick: noSlower ? 'cheapest-no-slower-than-today' : 'cheapest',
  };
}

export { readRecommendationJob, citeRecommendation };
export type { RawRecommendation, RawRecommendationJob, RecommendationJob, Recommendation, Citation };
