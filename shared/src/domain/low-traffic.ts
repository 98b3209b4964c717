/**
 * Rarely called variants: ones that pay for instances around the clock to answer requests in a few
 * hours of the lookback. Serverless inference (CPU models that fit its memory and timeout) or
 * asynchronous inference (anything else; it can scale to zero instances) would stop paying for the
 * empty hours. Pure, and only a suggestion, with no saving promised: what either would cost depends
 * on request durations and scaling the bot cannot see. The dollar figure said is a measurement, what
 * the variant paid in hours without a single request.
 *
 * Limits (SageMaker Developer Guide, "Deploy models with Amazon SageMaker Serverless Inference":
 * no GPUs, memory sizes 1024–6144 MB in 1 GB steps, 60 s to answer a request; "Asynchronous
 * inference": scales to zero instances, callers use InvokeEndpointAsync).
 */
import type { InstanceHardware } from './prices.ts';
import { roundCents } from './units.ts';

/** At most this share of the lookback's hours with any request is "rarely called". */
const RARELY_CALLED_SHARE = 0.1;
const SERVERLESS_MEMORY_SIZES_MB = [1_024, 2_048, 3_072, 4_096, 5_120, 6_144] as const;
/** The share of a serverless memory size the memory peak may fill, as for instances. */
const SERVERLESS_MEMORY_TARGET = 0.6;
/** Half the 60 s a serverless endpoint gives a request: cold starts come on top. */
const SERVERLESS_MAX_P99_MS = 30_000;

interface RarelyCalledInput {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly hardware: InstanceHardware;
  readonly pricePerHour: number;
  /** Hours of the lookback with at least one request, and the lookback in hours. */
  readonly activeHours: number;
  readonly lookbackHours: number;
  /** Memory peak, percent of the instance's memory. */
  readonly memoryPeakPercent: number;
  /** p99 model + overhead latency, ms, where published. */
  readonly latencyP99Ms?: number | undefined;
}

type Alternative = { readonly kind: 'serverless'; readonly memoryMb: number } | { readonly kind: 'asynchronous'; readonly why: string };

interface RarelyCalled {
  readonly alternative: Alternative;
  readonly activeHours: number;
  readonly lookbackHours: number;
  /** What the variant paid, per day, in the hours without a request: the most either alternative could save. */
  readonly idleSpendPerDay: number;
  readonly memoryPeakGiB: number;
}

function judgeRarelyCalled(input: RarelyCalledInput): RarelyCalled | undefined {
  if (input.lookbackHours <= 0 || input.activeHours > input.lookbackHours * RARELY_CALLED_SHARE) return undefined;
  const memoryPeakGiB = (input.memoryPeakPercent / 100) * input.hardware.memoryGiB;
  const idleShare = 1 - input.activeHours / input.lookbackHours;
  const idleSpendPerDay = roundCents(input.pricePerHour * input.instanceCount * 24 * idleShare);
  const base = { activeHours: input.activeHours, lookbackHours: input.lookbackHours, idleSpendPerDay, memoryPeakGiB };
  return { ...base, alternative: serverlessOrAsync(input, memoryPeakGiB) };
}

function serverlessOrAsync(input: RarelyCalledInput, memoryPeakGiB: number): Alternative {
  if (input.hardware.accelerators > 0) return { kind: 'asynchronous', why: 'serverless has no GPUs' };
  if (input.latencyP99Ms === undefined) return { kind: 'asynchronous', why: 'its latency is not published, so the serverless timeout cannot be checked' };
  if (input.latencyP99Ms > SERVERLESS_MAX_P99_MS) return { kind: 'asynchronous', why: 'its p99 latency is too close to the serverless 60 s limit' };
  // Across its instances the memory peak is per instance: one serverless container must hold one instance's.
  const memoryMb = SERVERLESS_MEMORY_SIZES_MB.find((size) => memoryPeakGiB * 1024 <= size * SERVERLESS_MEMORY_TARGET);
  if (memoryMb === undefined) return { kind: 'asynchronous', why: 'its memory peak is more than serverless memory holds' };
  return { kind: 'serverless', memoryMb };
}

export { judgeRarelyCalled, RARELY_CALLED_SHARE };
export type { RarelyCalled, RarelyCalledInput, Alternative };
