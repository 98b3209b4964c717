/**
 * The little a job needs from a logger. Powertools' Logger fits it in Lambda; the CLI passes a
 * quiet stderr logger. Nothing logged may carry a credential (see errors.ts redactCredentials).
 */
interface RunLogger {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** For the CLI: the report already says what went wrong, so only errors print unless verbose. */
function createStderrLogger(verbose: boolean): RunLogger {
  const write =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) => {
      if (!verbose && level !== 'error') return;
      const details = attributes.map((attribute) => ` ${JSON.stringify(attribute)}`).join('');
      process.stderr.write(`${level}: ${message}${details}\n`);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

export { createStderrLogger };
export type { RunLogger };
