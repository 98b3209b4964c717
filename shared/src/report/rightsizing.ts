/**
 * The "Under-used (suggestions)" section of the daily idle-endpoints report: one line per variant
 * with its suggestion and $/day, the figures behind it on the line under. Suggestions only: the bot
 * never resizes anything.
 */
import type { RightsizingReport, Utilisation } from '../domain/rightsizing.ts';
import { TARGET_PEAK_PERCENT } from '../domain/rightsizing.ts';
import type { CopyReservation } from '../domain/component-rightsizing.ts';
import type { RawPeaks } from '../domain/peaks.ts';
import type { Citation } from '../domain/inference-recommender.ts';
import { plural, usd } from './format.ts';

const pct = (value: number) => `${Math.round(value)}%`;

function peaksText(peaks: Utilisation, hardware: { vcpus: number; accelerators: number }): string {
  const parts = [`CPU ${pct(peaks.cpu)} of ${hardware.vcpus} vCPUs`, `memory ${pct(peaks.memory)}`];
  if (peaks.gpu !== undefined) parts.push(`GPU ${pct(peaks.gpu)} of ${plural(hardware.accelerators, 'GPU')}`);
  if (peaks.gpuMemory !== undefined) parts.push(`GPU memory ${pct(peaks.gpuMemory)}`);
  return parts.join(', ');
}

const PER_INSTANCE: Readonly<Record<string, string>> = {
  'busiest-instance': 'the busiest instance',
  average: 'its one instance',
  'worst-case-from-average': 'no per-instance series, so one instance is assumed to carry it all',
};

/** What the copies given up reserved: GPUs first, the dimension that costs. */
function freedText(freed: CopyReservation): string {
  const parts = [
    ...(freed.accelerators > 0 ? [plural(freed.accelerators, 'GPU')] : []),
    ...(freed.cpuCores > 0 ? [plural(freed.cpuCores, 'CPU core')] : []),
    ...(freed.memoryMb > 0 ? [`${Math.round(freed.memoryMb / 102.4) / 10} GiB`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'no reserved capacity';
}

function copyPeaksText(peaks: RawPeaks): string {
  const named: Array<[string, number | undefined]> = [
    ['CPU', peaks.cpu],
    ['memory', peaks.memory],
    ['GPU', peaks.gpu],
    ['GPU memory', peaks.gpuMemory],
  ];
  return named.flatMap(([name, value]) => (value === undefined ? [] : [`${name} ${pct(value)}`])).join(', ');
}

/** The job's own figures, said to be its own: the bot never prices with them. */
function citationText(citation: Citation): string {
  const { configuration, costPerHour, modelLatencyMs } = citation.recommendation;
  const what =
    configuration.kind === 'instances' ? `${configuration.instanceCount} x ${configuration.instanceType}` : `serverless with ${configuration.memoryMb} MB`;
  const figures = [
    ...(costPerHour === undefined ? [] : [`${usd(costPerHour)}/h`]),
    ...(modelLatencyMs === undefined ? [] : [`model latency ${Math.round(modelLatencyMs)} ms`]),
  ];
  const estimate = figures.length > 0 ? `, ${figures.join(' and ')} by its own estimate` : '';
  const which = citation.pick === 'cheapest-no-slower-than-today' ? 'the cheapest no slower than today' : 'the cheapest';
  const tried = citation.of > 1 ? `; of its ${citation.of} recommendations, ${which}` : '';
  return `Inference Recommender job ${citation.jobName} (completed ${citation.completedAt.slice(0, 10)}${tried}): ${what}${estimate}`;
}

function fewerCopiesLines(report: RightsizingReport): string[] {
  if (report.fewerCopies.length === 0) return [];
  const lines = ['  Inference components with more copies than their traffic needs (frees capacity; dollars are saved once the instances scale in):'];
  for (const suggestion of report.fewerCopies) {
    const { usage } = suggestion;
    const worth = suggestion.freedCapacityPerDay === undefined ? '' : `, capacity worth ${usd(suggestion.freedCapacityPerDay)}/day`;
    lines.push(
      `  ${usage.componentName} on ${usage.endpointName} (${usage.region}): ${usage.copies.currentCopyCount} -> ${suggestion.toCopies} copies: frees ${freedText(suggestion.freed)}${worth}`,
    );
    lines.push(
      `    per-copy peaks over ${suggestion.lookbackDays} days, of what each copy reserves: ${copyPeaksText(usage.peaks)}; if it autoscales, lower its minimum copies`,
    );
  }
  return lines;
}

function rarelyCalledLines(report: RightsizingReport): string[] {
  if (report.rarelyCalled.length === 0) return [];
  const lines = ['  Rarely called: serverless or asynchronous inference would stop paying for the hours without requests (no saving is promised):'];
  for (const entry of report.rarelyCalled) {
    const { usage, alternative } = entry;
    const instead =
      alternative.kind === 'serverless'
        ? `serverless with ${alternative.memoryMb} MB would hold its ${entry.memoryPeakGiB.toFixed(1)} GiB memory peak`
        : `asynchronous inference (callers use InvokeEndpointAsync) can scale to 0 instances; not serverless: ${alternative.why}`;
    lines.push(`  ${usage.endpointName} (${usage.region}) ${usage.variantName}: requests in ${entry.activeHours} of ${entry.lookbackHours} hours; ${instead}`);
    lines.push(`    paid for the hours without a request: ${usd(entry.idleSpendPerDay)}/day (${usage.instanceCount} x ${usage.instanceType})`);
  }
  return lines;
}

/** Anything the section would say: suggestions of any kind, or what held them back. */
function hasRightsizingNews(report: RightsizingReport): boolean {
  return [report.suggestions, report.fewerCopies, report.rarelyCalled, report.keptForLatency, report.couldNotJudge].some((list) => list.length > 0);
}

function rightsizingLines(report: RightsizingReport | undefined): string[] {
  if (!report || !hasRightsizingNews(report)) return [];
  const lines = ['UNDER-USED (SUGGESTIONS ONLY: NOTHING IS CHANGED), LARGEST SAVING FIRST', ''];
  for (const suggestion of report.suggestions) {
    const { usage, change, figures } = suggestion;
    const to =
      change.kind === 'fewer-instances'
        ? `${change.instanceCount} x ${usage.instanceType}`
        : `${usage.instanceCount} x ${change.instanceType} (the next size that holds its peaks)`;
    lines.push(
      `  ${usage.endpointName} (${usage.region}) ${usage.variantName}: ${usage.instanceCount} x ${usage.instanceType} -> ${to}: save ${usd(suggestion.savingPerDay)}/day`,
    );
    const latency = figures.latencyP99Ms === undefined ? 'latency not published' : `p99 latency ${Math.round(figures.latencyP99Ms)} ms (model + overhead)`;
    lines.push(
      `    peaks over ${figures.lookbackDays} days: ${peaksText(figures.peaks, figures.hardware)}; per instance: ${PER_INSTANCE[figures.perInstanceFrom]}; ${latency}`,
    );
    if (usage.recommendation) lines.push(`    ${citationText(usage.recommendation)}`);
  }
  if (report.suggestions.length === 0 && report.fewerCopies.length === 0 && report.rarelyCalled.length === 0) lines.push('  None today.');
  lines.push(...fewerCopiesLines(report), ...rarelyCalledLines(report));
  if (report.keptForLatency.length > 0) {
    lines.push('  Left as they are for their latency SLO (tag ops-bot:latency-slo-ms):');
    for (const kept of report.keptForLatency) {
      const what = kept.componentName ? `${kept.componentName} on ${kept.endpointName}` : kept.endpointName;
      const would = kept.savingPerDay === undefined ? ' (fewer copies)' : ` (would save ${usd(kept.savingPerDay)}/day)`;
      lines.push(`    ${what} (${kept.region}): ${kept.reason}${would}`);
    }
  }
  if (report.couldNotJudge.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const entry of report.couldNotJudge) {
      const what = entry.componentName ? `${entry.componentName} on ${entry.endpointName}` : entry.endpointName;
      byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), `${what} (${entry.region})`]);
    }
    for (const [reason, names] of byReason) {
      const shown = names.slice(0, 8).join(', ');
      lines.push(`  Could not judge (${reason}): ${shown}${names.length > 8 ? ` and ${names.length - 8} more` : ''}.`);
    }
  }
  for (const unread of report.recommenderUnread ?? []) lines.push(`  Inference Recommender jobs not read in ${unread.region}: ${unread.reason}.`);
  lines.push(
    `  How: each variant's highest CPU, memory, GPU and GPU memory utilisation over ${report.lookbackDays} days, divided by the instance's`,
    `  vCPUs and GPUs; a suggestion keeps every peak at or under ${TARGET_PEAK_PERCENT}% after the change, and never goes below 2 instances.`,
    `  Components: each copy's peaks of what it reserves, as if every copy peaked at once; never below 2 copies, and every copy still placed.`,
    '  Tag an endpoint or a component ops-bot:rightsizing = off to leave it out.',
    '',
  );
  return lines;
}

export { rightsizingLines };
