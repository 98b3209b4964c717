// Prints the plain `N passed, N failed` line CI reads, summed over vitest's JSON reports (CI runs
// the suite twice: today, and as if it were more than a year from now).
// A missing or unreadable report counts as one failure: no report means the tests did not run.
import { readFileSync } from 'node:fs';

const paths = process.argv.length > 2 ? process.argv.slice(2) : ['reports/vitest.json'];
function counts(path) {
  try {
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const passed = report.numPassedTests ?? 0;
    let failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrors ?? 0);
    if (report.success === false && failed === 0) failed = 1;
    if (report.numTotalTests === 0) failed = Math.max(failed, 1);
    return { passed, failed };
  } catch (error) {
    console.error(`No readable test report at ${path}: ${error.message}`);
    return { passed: 0, failed: 1 };
  }
}
const total = paths.map(counts).reduce((sum, one) => ({ passed: sum.passed + one.passed, failed: sum.failed + one.failed }), { passed: 0, failed: 0 });
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
