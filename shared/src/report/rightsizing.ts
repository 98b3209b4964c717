/**
 * The "Under-used (suggestions)" section of the daily idle-endpoints report: one line per variant
 * with its suggestion and $/day, the figures behind it on the line under. Suggestions only: the bot
 * never resizes anything.
 */
import type { RightsizingReport, Utilisation } from '../domain/rightsizing.ts';
import { TARGET_PEAK_PERCENT } from '../domain/rightsizing.ts';
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

function rightsizingLines(report: RightsizingReport | undefined): string[] {
  if (!report || (report.suggestions.length === 0 && report.keptForLatency.length === 0 && report.couldNotJudge.length === 0)) return [];
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
  }
  if (report.suggestions.length === 0) lines.push('  None today.');
  if (report.keptForLatency.length > 0) {
    lines.push('  Left as they are for their latency SLO (tag ops-bot:latency-slo-ms):');
    for (const kept of report.keptForLatency) {
      lines.push(`    ${kept.usage.endpointName} (${kept.usage.region}): ${kept.reason} (would save ${usd(kept.savingPerDay)}/day)`);
    }
  }
  if (report.couldNotJudge.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const entry of report.couldNotJudge) byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), `${entry.endpointName} (${entry.region})`]);
    for (const [reason, names] of byReason) {
      const shown = names.slice(0, 8).join(', ');
      lines.push(`  Could not judge (${reason}): ${shown}${names.length > 8 ? ` and ${names.length - 8} more` : ''}.`);
    }
  }
  lines.push(
    `  How: each variant's highest CPU, memory, GPU and GPU memory utilisation over ${report.lookbackDays} days, divided by the instance's`,
    `  vCPUs and GPUs; a suggestion keeps every peak at or under ${TARGET_PEAK_PERCENT}% after the change, and never goes below 2 instances.`,
    '  Tag an endpoint ops-bot:rightsizing = off to leave it out.',
    '',
  );
  return lines;
}

export { rightsizingLines };
