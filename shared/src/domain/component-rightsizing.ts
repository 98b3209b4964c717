/**
 * Inference components with more copies than their traffic needs, and whether a set of copies can
 * be placed on a given number and size of instances. Pure, and only ever a suggestion.
 *
 * What a copy's peaks mean (SageMaker Developer Guide, "Amazon SageMaker AI metrics in Amazon
 * CloudWatch", inference component metrics, namespace `/aws/sagemaker/InferenceComponents`,
 * dimension InferenceComponentName): CPUUtilizationNormalized, GPUUtilizationNormalized,
 * MemoryUtilizationNormalized and GPUMemoryUtilizationNormalized are "reported by each copy", 0–100
 * over the copy's reservation (NumberOfCpuCoresRequired, NumberOfAcceleratorDevicesRequired,
 * MinMemoryRequiredInMb), or over its limit where none is set. Every copy reports into the one
 * series, so its Maximum is the hottest copy's hottest minute. How the copies' load adds up at one
 * moment the docs do not say: the judgement takes the harsher reading, that every copy peaked at
 * once (N × the peak), which can only keep copies, never cut too many.
 */
import type { ComponentCopies } from './hosting.ts';
import type { InstanceHardware } from './prices.ts';
import type { RawPeaks } from './peaks.ts';
import type { Tags } from './tags.ts';
import { roundCents } from './units.ts';

/** Same headroom as for instances: after the change, each copy's peak stays at or under this. */
const COPY_TARGET_PEAK_PERCENT = 60;
/** A component of two or more copies keeps two: one copy is one container's failure away from an outage. */
const MIN_REDUNDANT_COPIES = 2;
/**
 * SageMaker keeps part of each instance's memory for its own agents, and the docs do not say how
 * much: a tenth is left unreserved here. A suggestion too tight to place is worse than a cautious one.
 */
const RESERVABLE_MEMORY_SHARE = 0.9;

/** One copy's reservation (Specification.ComputeResourceRequirements); an unset dimension reserves nothing. */
interface CopyReservation {
  readonly accelerators: number;
  readonly cpuCores: number;
  readonly memoryMb: number;
}

interface HostedCopies extends CopyReservation {
  readonly count: number;
  readonly componentName?: string | undefined;
}

interface ComponentUsage {
  readonly region: string;
  readonly endpointName: string;
  readonly variantName: string;
  readonly componentName: string;
  /** The component's own `ops-bot:*` tags (its endpoint's are checked by the caller). */
  readonly tags: Tags;
  readonly copies: ComponentCopies;
  /** Per copy, 0–100 of its reservation (or limit), as published. */
  readonly peaks: RawPeaks;
}

type ComponentVerdict =
  | {
      readonly kind: 'fewer-copies';
      readonly usage: ComponentUsage;
      readonly toCopies: number;
      /** What the copies given up reserved, in all. */
      readonly freed: CopyReservation;
      /** What that share of an instance costs a day: saved only once the instances scale in. */
      readonly freedCapacityPerDay?: number | undefined;
      readonly lookbackDays: number;
    }
  | { readonly kind: 'could-not-judge'; readonly usage: ComponentUsage; readonly reason: string }
  | { readonly kind: 'right-sized'; readonly usage: ComponentUsage };

interface ComponentPolicy {
  readonly lookbackDays: number;
  /** The hosting instance's hardware and $/hour, when known. */
  readonly host?: { readonly hardware: InstanceHardware; readonly pricePerHour?: number | undefined } | undefined;
}

function reservationOf(copies: ComponentCopies): CopyReservation {
  return { accelerators: copies.acceleratorsPerCopy ?? 0, cpuCores: copies.cpuCoresPerCopy ?? 0, memoryMb: copies.memoryMbPerCopy ?? 0 };
}

function judgeComponent(usage: ComponentUsage, policy: ComponentPolicy): ComponentVerdict {
  const { copies, peaks } = usage;
  const unjudged = (reason: string): ComponentVerdict => ({ kind: 'could-not-judge', usage, reason });
  if (copies.status !== undefined && copies.status !== 'InService') return unjudged(`it is ${copies.status}`);
  if (copies.desiredCopyCount !== copies.currentCopyCount)
    return unjudged(`its copies are changing (${copies.currentCopyCount} of ${copies.desiredCopyCount})`);
  const count = copies.currentCopyCount;
  if (count < MIN_REDUNDANT_COPIES) return { kind: 'right-sized', usage };
  const reservation = reservationOf(copies);
  const gpus = reservation.accelerators > 0 || (policy.host?.hardware.accelerators ?? 0) > 0;
  const missing = [
    ['CPUUtilizationNormalized', peaks.cpu],
    ['MemoryUtilizationNormalized', peaks.memory],
    ...(gpus
      ? [
          ['GPUUtilizationNormalized', peaks.gpu],
          ['GPUMemoryUtilizationNormalized', peaks.gpuMemory],
        ]
      : []),
  ].flatMap(([metric, value]) => (value === undefined ? [metric as string] : []));
  if (missing.length > 0) return unjudged(`no ${missing.join(', ')} series`);
  // Memory holds the model and its requests in flight: a copy near its reservation keeps its number.
  if ((peaks.memory ?? 0) > COPY_TARGET_PEAK_PERCENT || (peaks.gpuMemory ?? 0) > COPY_TARGET_PEAK_PERCENT) return { kind: 'right-sized', usage };
  const busiest = Math.max(peaks.cpu ?? 0, gpus ? (peaks.gpu ?? 0) : 0);
  const needed = Math.max(MIN_REDUNDANT_COPIES, Math.ceil((count * busiest) / COPY_TARGET_PEAK_PERCENT));
  if (needed >= count) return { kind: 'right-sized', usage };
  const given = count - needed;
  const freed = { accelerators: given * reservation.accelerators, cpuCores: given * reservation.cpuCores, memoryMb: given * reservation.memoryMb };
  return { kind: 'fewer-copies', usage, toCopies: needed, freed, freedCapacityPerDay: capacityPerDay(freed, policy.host), lookbackDays: policy.lookbackDays };
}

/** A reservation's share of one instance (its largest dimension), priced at the instance's rate. */
function capacityPerDay(freed: CopyReservation, host: ComponentPolicy['host']): number | undefined {
  if (!host || host.pricePerHour === undefined) return undefined;
  const { hardware } = host;
  const shares = [
    hardware.accelerators > 0 ? freed.accelerators / hardware.accelerators : 0,
    hardware.vcpus > 0 ? freed.cpuCores / hardware.vcpus : 0,
    hardware.memoryGiB > 0 ? freed.memoryMb / (hardware.memoryGiB * 1024) : 0,
  ];
  return roundCents(Math.max(...shares) * host.pricePerHour * 24);
}

/**
 * Whether the copies can all be placed on `instances` instances of `hardware`: a first-fit
 * placement, largest copies first, finds one. SageMaker's own placement may differ, but a placement
 * exists, which is all a suggestion needs; where first-fit finds none, no suggestion is made.
 */
function copiesFit(hosted: readonly HostedCopies[], instances: number, hardware: InstanceHardware): boolean {
  if (instances <= 0) return hosted.every((copies) => copies.count === 0);
  const capacity = { accelerators: hardware.accelerators, cpuCores: hardware.vcpus, memoryMb: hardware.memoryGiB * 1024 * RESERVABLE_MEMORY_SHARE };
  const free = Array.from({ length: instances }, () => ({ ...capacity }));
  const each = hosted
    .flatMap((copies) => Array.from({ length: copies.count }, () => copies as CopyReservation))
    .sort((a, b) => b.accelerators - a.accelerators || b.memoryMb - a.memoryMb || b.cpuCores - a.cpuCores);
  for (const copy of each) {
    const slot = free.find((room) => room.accelerators >= copy.accelerators && room.cpuCores >= copy.cpuCores && room.memoryMb >= copy.memoryMb);
    if (!slot) return false;
    slot.accelerators -= copy.accelerators;
    slot.cpuCores -= copy.cpuCores;
    slot.memoryMb -= copy.memoryMb;
  }
  return true;
}

export { judgeComponent, copiesFit, reservationOf, COPY_TARGET_PEAK_PERCENT, MIN_REDUNDANT_COPIES };
export type { ComponentUsage, ComponentVerdict, ComponentPolicy, CopyReservation, HostedCopies };
