/**
 * Renders the cost attribution: an aligned plain-text table (endpoint → models → unallocated),
 * totals, top models and top movers; an SMS with the total, the top model and the unallocated cost.
 */
import type { BillCheck } from '../domain/bill.ts';
import { familyKinds, familyTitle } from '../domain/bill-families.ts';
import { roundCents } from '../domain/units.ts';
import { describeRunFailure } from '../domain/failures.ts';
import type { CostReport, HostCost } from '../domain/cost.ts';
import { plural, usd, usdShort } from './format.ts';
import { fitSms } from './gsm7.ts';
import { fitToMessageLimit, subjectLine, type RenderedReport } from './sns-message.ts';

const UNIT: Readonly<Record<string, string>> = { gpu: 'GPU', cpu: 'cores', memory: 'GiB', 'whole-endpoint': 'instances', unknown: '?' };

function signed(amount: number): string {
  return `${amount >= 0 ? '+' : '-'}${usd(Math.abs(amount))}`;
}

function money(amount: number | undefined): string {
  return amount === undefined ? 'price unknown' : usd(amount);
}

function hostRows(host: HostCost): string[][] {
  const instances = `${host.instanceCount} x ${host.instanceType ?? '?'}`;
  const rows: string[][] = [
    [
      `${host.endpointName}${host.variantName === 'AllTraffic' ? '' : `/${host.variantName}`} (${host.region})`,
      instances,
      `${host.instanceHours.toFixed(1)} ${host.instanceHoursSource === 'measured' ? 'm' : 'e'}`,
      money(host.cost),
      '',
      '',
      '',
    ],
  ];
  for (const component of host.components) {
    rows.push([
      `  ${component.name}`,
      `${component.averageUnits.toFixed(2)} ${UNIT[component.basis]}`,
      `${component.unitHours.toFixed(1)} ${component.source === 'measured' ? 'm' : 'e'}`,
      money(component.cost),
      component.share !== undefined ? `${Math.round(component.share * 100)}%` : '',
      component.invocations !== undefined ? component.invocations.toLocaleString('en-US') : '',
      component.costPerThousandInvocations !== undefined ? `$${component.costPerThousandInvocations.toFixed(4)}` : '',
    ]);
  }
  if (host.components[0]?.basis !== 'whole-endpoint') {
    const free = host.acceleratorsTotal > 0 ? `${Math.max(0, host.acceleratorsTotal - host.acceleratorsHeld).toFixed(2)} GPU free` : '';
    const share = host.unallocated !== undefined && host.cost ? `${Math.round((host.unallocated / host.cost) * 100)}%` : '';
    rows.push([
      `  (unallocated)${host.overAllocated ? ' !' : ''}`,
      free,
      '',
      host.unallocated === undefined ? 'unknown' : usd(host.unallocated),
      share,
      '',
      '',
    ]);
  }
  return rows;
}

function alignedTable(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const rightAligned = new Set([2, 3, 4, 5, 6]);
  return rows.map((row) =>
    row
      .map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function periodText(report: CostReport): string {
  return report.periodLabel;
}

function renderEmail(report: CostReport, shownHosts: number, billCheck?: BillCheck): string {
  const change = report.totalCost - report.previousTotalCost;
  const unallocatedShare = report.totalCost > 0 ? ` (${Math.round((report.totalUnallocated / report.totalCost) * 100)}% of the total)` : '';
  const lines = [
    `SageMaker real-time inference cost for ${periodText(report)}: ${usd(report.totalCost)} (${signed(change)} vs the period before).`,
    `Unallocated capacity (instances no model holds): ${usd(report.totalUnallocated)}${unallocatedShare}.`,
  ];
  if (report.unpricedHosts > 0)
    lines.push(`${plural(report.unpricedHosts, 'endpoint')} with an unknown instance price ${report.unpricedHosts === 1 ? 'is' : 'are'} not in the totals.`);
  lines.push('');
  const header = ['ENDPOINT / MODEL', 'HOLDS', 'HOURS', 'COST', 'SHARE', 'INVOCATIONS', '$ / 1K INV'];
  const rows = report.hosts.slice(0, shownHosts).flatMap(hostRows);
  lines.push(...alignedTable([header, ...rows]));
  if (shownHosts < report.hosts.length) lines.push(`...and ${report.hosts.length - shownHosts} more endpoints (run a dry run for the full table)`);
  if (report.topModels.length > 0) {
    lines.push('', 'TOP MODELS BY COST');
    report.topModels.forEach((model, index) => lines.push(`  ${index + 1}. ${model.name} on ${model.endpointName}: ${usd(model.cost)}`));
  }
  if (report.movers.length > 0) {
    lines.push('', 'TOP MOVERS VS THE PERIOD BEFORE');
    for (const mover of report.movers) lines.push(`  ${mover.name} on ${mover.endpointName}: ${usd(mover.cost)} (${signed(mover.change)})`);
  }
  const notes = report.hosts.filter((host) => host.note || host.overAllocated);
  if (notes.length > 0 || report.failures.length > 0 || report.notes.length > 0) {
    lines.push('', 'NOTES');
    for (const host of notes) {
      if (host.note) lines.push(`  ${host.endpointName}: ${host.note}`);
      if (host.overAllocated) lines.push(`  ${host.endpointName}: its components' estimated holdings exceed its instances; unallocated shown as $0.`);
    }
    for (const note of report.notes) lines.push(`  ${note}`);
    for (const failure of report.failures) lines.push(`  ${describeRunFailure(failure)}`);
  }
  lines.push(
    '',
    'HOW THIS WAS WORKED OUT',
    '  m = measured from per-instance and per-GPU metrics (the hours each series has data); e = estimated from current counts x hours.',
    '  A model pays for its share of the instance: GPUs held on GPU instances; CPU cores (or memory) on CPU instances.',
    '  Unallocated = instance cost - what the models hold. Storage, data transfer and serverless endpoints are not included.',
    `  Prices: ${report.priceSource}.`,
  );
  if (billCheck) lines.push(...billSection(billCheck));
  return lines.join('\n');
}

/** The hosting line: like with like, both on-demand, or why it could not be checked. */
function hostingLine(check: BillCheck): string {
  const { bill } = check;
  if (bill.status === 'unavailable') return `Against the bill: not checked: ${bill.reason}; attributed hosting ${usd(check.attributed)}.`;
  if (bill.status === 'not-yet')
    return `Against the bill: not in Cost Explorer yet (${daysText(bill.start, bill.endInclusive)}; it fills in about a day later); attributed hosting ${usd(check.attributed)}.`;
  const parts = [
    `Against the bill: attributed hosting ${usd(check.attributed)}, Cost Explorer billed ${usd(check.billedHosting ?? 0)} of hosting for ${daysText(bill.start, bill.endInclusive)} (UTC days; on-demand equivalent)`,
    `difference ${signed(check.difference ?? 0)}${check.percent !== undefined ? ` (${check.percent > 0 ? '+' : ''}${check.percent}%)` : ''}`,
  ];
  if (bill.estimated) parts.push('Cost Explorer still marks these days Estimated');
  if (bill.missingDays.length > 0) parts.push(`not in Cost Explorer yet: ${bill.missingDays.join(', ')}`);
  if (check.unattributed.length > 0) {
    const named = check.unattributed.map((entry) => `${entry.instanceType} ${usd(entry.amount)}`).join(', ');
    parts.push(`billed but not attributed: ${named} (e.g. an endpoint deleted that day)`);
  }
  return `${parts.join('; ')}.`;
}

function daysText(start: string, endInclusive: string): string {
  return start === endInclusive ? start : `${start} to ${endInclusive}`;
}

/** The whole SageMaker bill by region and family: billed, explained, the rest, and what a plan, credits and refunds did. */
function billSection(check: BillCheck): string[] {
  const { split } = check;
  const lines = ['', hostingLine(check)];
  if (!split) return lines;
  lines.push('', `THE SAGEMAKER BILL, EXPLAINED (${daysText(split.start, split.endInclusive)}, on-demand equivalent)`);
  const rows: string[][] = [['', 'BILLED', 'EXPLAINED', 'NOT EXPLAINED', '']];
  let region = '';
  for (const line of split.lines) {
    if (line.region !== region) {
      region = line.region;
      rows.push([`${region}${line.watched ? '' : ' (not watched: not in REGIONS)'}`, '', '', '', '']);
    }
    const title = line.family === 'other' ? `Other (${line.parts.join(', ')})` : familyTitle(line.family);
    rows.push([`  ${title}`, usd(line.billed), line.explained > 0 ? usd(line.explained) : '-', usd(line.rest), line.explainedBy.join(', ')]);
  }
  lines.push(...alignedBill(rows));
  lines.push(`  Total: billed ${usd(split.billed)}, explained ${usd(split.explained)}, not explained ${usd(roundCents(split.billed - split.explained))}.`);
  if (split.plan) {
    const percent = Math.round(split.plan.share * 100);
    lines.push(
      `  Savings Plan: covered ${usd(split.plan.covered)} of the usage at on-demand rates (${percent}%), which cost ${usd(split.plan.cost)} at the plan's rate (amortized).`,
      `  Its negation (${usd(split.negation)}) takes the covered usage off the unblended bill; it is not a difference to explain.`,
    );
  }
  const named = [
    ...(split.credits !== 0 ? [`credits ${usd(split.credits)}`] : []),
    ...(split.refunds !== 0 ? [`refunds ${usd(split.refunds)}`] : []),
    ...split.otherCharges.map((charge) => `${charge.recordType} ${usd(charge.amount)}`),
  ];
  if (named.length > 0) lines.push(`  Also on the bill, not counted above: ${named.join(', ')}.`);
  if (split.unexplained.length > 0) {
    lines.push('  NOT EXPLAINED ($1 or more), and what bills there:');
    for (const line of split.unexplained) {
      const where = line.watched ? line.region : `${line.region}, not watched`;
      lines.push(`    ${familyTitle(line.family)} (${where}): ${usd(line.rest)}: ${familyKinds(line.family)}`);
    }
  }
  for (const note of check.notes ?? []) lines.push(`  ${note}`);
  lines.push(
    '  Explained: hosting as attributed above; notebook instances and Studio and Canvas apps running now, for the hours they can be shown to have run.',
  );
  if (check.inventoryPriceSource) lines.push(`  Notebook and app prices: ${check.inventoryPriceSource}.`);
  return lines;
}

function alignedBill(rows: readonly string[][]): string[] {
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    `  ${row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : column < 4 ? cell.padStart(widths[column] ?? 0) : cell))
      .join('  ')}`.trimEnd(),
  );
}

function renderCostReport(report: CostReport, billCheck?: BillCheck): RenderedReport {
  const top = report.topModels[0];
  const period = periodText(report);
  // What of the bill nobody explains is news the subject carries: a Canvas session left open shows there.
  const split = billCheck?.split;
  const unexplained = split ? roundCents(split.billed - split.explained) : 0;
  const subject = subjectLine(
    `SageMaker cost ${period}: ${usdShort(report.totalCost)}, ${usdShort(report.totalUnallocated)} unallocated${unexplained >= 1 ? `; ${usdShort(unexplained)} of the bill not explained` : ''}`,
  );
  const head = `SageMaker cost ${period}: ${usdShort(report.totalCost)}.`;
  const sms = fitSms([
    top
      ? `${head} Top model ${top.name} ${usdShort(top.cost)}. Unallocated ${usdShort(report.totalUnallocated)}.`
      : `${head} Unallocated ${usdShort(report.totalUnallocated)}.`,
    `${head} Unallocated ${usdShort(report.totalUnallocated)}.`,
  ]);
  return fitToMessageLimit(report.hosts.length, (shown) => ({ subject, email: renderEmail(report, shown, billCheck), sms }));
}

export { renderCostReport };
