/**
 * `npm run -s check-config [-- FILE]`: the deploy config checked the way `cdk synth` checks it,
 * without AWS, credentials or a build. Every problem is printed at once, one line each, naming the
 * key as written in the file; exit 1 when there is any.
 */
import { DEFAULT_CONFIG_FILE, DeployConfigError, defaultsLine, isReportOnly, readDeployConfig, type DeployConfig } from '../infra/deploy-config.ts';
import { JOB_NAMES } from '@ops-bot/shared/config';

const HELP = `Usage: npm run -s check-config [-- FILE]

Checks the deploy config (FILE, else OPS_BOT_CONFIG, else ${DEFAULT_CONFIG_FILE}) as cdk synth will:
every problem at once, one line each, naming the key as written in the file. No AWS call.
Exit 0 when the file is good (one line says what it sets up), 1 when it is not.

  --help   print this help`;

/** One line: what a good config sets up, so "OK" also says what OK means. */
function summarize(file: string, config: DeployConfig): string {
  if (config.source === 'defaults') return defaultsLine(file);
  const reportOnly = JOB_NAMES.filter((job) => isReportOnly(config, job));
  const parts = [
    `timezone ${config.timezone}`,
    `regions ${config.regions?.join(', ') ?? "the stack's own"}`,
    `${config.emails.length} email and ${config.smsNumbers.length} SMS subscribers`,
    reportOnly.length === JOB_NAMES.length ? 'every job report-only' : reportOnly.length > 0 ? `report-only: ${reportOnly.join(', ')}` : 'every job acts',
  ];
  return `${file}: OK (${parts.join('; ')})`;
}

/** The lines to print and the exit code, for a file name given or none. */
function checkConfig(file: string | undefined, cwd = process.cwd()): { lines: string[]; ok: boolean } {
  const name = file ?? process.env.OPS_BOT_CONFIG ?? DEFAULT_CONFIG_FILE;
  try {
    return { lines: [summarize(name, readDeployConfig({ contextValue: undefined, file: name, cwd }))], ok: true };
  } catch (error) {
    if (error instanceof DeployConfigError) return { lines: error.problems.map((problem) => `${name}: ${problem}`), ok: false };
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
  } else {
    const { lines, ok } = checkConfig(args.find((arg) => !arg.startsWith('-')));
    (ok ? console.log : console.error)(lines.join('\n'));
    process.exitCode = ok ? 0 : 1;
  }
}

export { checkConfig, HELP };
