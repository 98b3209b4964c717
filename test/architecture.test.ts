/**
 * The layers as docs/architecture.md draws them, checked on the source: the decide step (domain/)
 * and the renderers (report/) import no AWS SDK and no adapter, and no module imports itself back
 * through a circle of imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = 'shared/src';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every specifier a file imports or re-exports (type-only imports included: a circle of types is still a circle to read). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((match) => match[1] ?? '');
}

const files = sourceFiles(ROOT);
const graph = new Map(
  files.map((file) => [
    file,
    specifiers(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => join(dirname(file), specifier)),
  ]),
);

/** The first circle found from each file, as the path that closes it. */
function circles(): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, path: string[]): void => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of files) visit(file, []);
  return found;
}

describe('Architecture: the layers of shared/src', () => {
  it('has no circle of imports', () => {
    expect(circles().map((circle) => circle.join(' -> '))).toEqual([]);
  });

  it('keeps the decide step and the renderers free of the AWS SDK and of the adapters', () => {
    const offending = files
      .filter((file) => /\/(domain|report)\//.test(file))
      .flatMap((file) =>
        specifiers(file)
          .filter((specifier) => specifier.startsWith('@aws-sdk/') || resolve(dirname(file), specifier).includes(`${resolve(ROOT)}/aws/`))
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(offending).toEqual([]);
  });

  it('finds the imports it checks (a parser that read nothing would pass both checks)', () => {
    expect(graph.get(join(ROOT, 'domain/rightsizing.ts'))).toContain(join(ROOT, 'domain/component-rightsizing.ts'));
    expect(files.length).toBeGreaterThan(50);
  });
});
