// Prints the plain `N passed, N failed` line CI reads, from vitest's JSON report.
// A missing or unreadable report counts as one failure: no report means the tests did not run.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'reports/vitest.json';
function counts() {
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
const { passed, failed } = counts();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
