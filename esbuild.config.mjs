// Builds one ESM bundle per function: dist/<function>/index.mjs, exporting `handler`.
// CDK takes the code from dist/ as it is; it never bundles again.
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_PLUGINS } from './scripts/esbuild-plugins.mjs';

// A guard on cold starts: a bundle that grows past this is a dependency nobody meant to add.
// scripts/esbuild-plugins.mjs keeps out or shrinks what the SDK would bundle for nothing.
// 400 KiB until the state moved into DynamoDB: its client adds about 35 KiB to the stateful jobs
// (idle-endpoints 430 KiB). The KMS client (about 20 KiB) leaves once the one-time import of the
// previous version's signed tags is removed. The hard limit (1 MiB) is far off.
const BUNDLE_BUDGET_BYTES = 448 * 1024;
const functionNames = readdirSync('functions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join('functions', entry.name, 'handler.ts')))
  .map((entry) => entry.name);

for (const name of functionNames) {
  const outfile = join('dist', name, 'index.mjs');
  const result = await build({
    entryPoints: [join('functions', name, 'handler.ts')],
    outfile,
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'node',
    format: 'esm',
    // Lambda runs nodejs24.x; the same bundle must also load on the local Node 20 (tests, demo).
    target: 'node20',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    metafile: true,
    // Some dependencies still call require() on Node built-ins; ESM bundles need it defined.
    banner: { js: "import { createRequire as __opsBotCreateRequire } from 'node:module'; const require = __opsBotCreateRequire(import.meta.url);" },
    // Lambda supplies credentials in the environment; see shared/src/aws/lambda-credentials.ts.
    alias: { '@aws-sdk/credential-provider-node': './shared/src/aws/lambda-credentials.ts' },
    plugins: BUNDLE_PLUGINS,
    logLevel: 'warning',
  });
  mkdirSync(join('dist', name), { recursive: true });
  writeFileSync(join('dist', name, 'meta.json'), JSON.stringify(result.metafile));
  const bytes = statSync(outfile).size;
  const kib = (bytes / 1024).toFixed(1);
  if (bytes > BUNDLE_BUDGET_BYTES) {
    console.error(`${outfile}: ${kib} KiB is over the ${BUNDLE_BUDGET_BYTES / 1024} KiB budget; see dist/${name}/meta.json`);
    process.exit(1);
  }
  console.log(`${outfile}: ${kib} KiB`);
}
