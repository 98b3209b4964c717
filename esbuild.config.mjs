// Builds one ESM bundle per function: dist/<function>/index.mjs, exporting `handler`.
// CDK takes the code from dist/ as it is; it never bundles again.
import { build } from 'esbuild';
import { readdirSync, existsSync, mkdirSync, writeFileSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// A guard on cold starts: a bundle that grows past this is a dependency nobody meant to add.
// 416 KiB since rightsizing grew in idle-endpoints (components and their placement, Inference
// Recommender citations with their response schema and paginator, rarely called variants: about
// 20 KiB, of which the pure-JS SHA-256 left out below paid back 3); idle-endpoints is at 411 KiB.
const BUNDLE_BUDGET_BYTES = 416 * 1024;
const functionNames = readdirSync('functions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join('functions', entry.name, 'handler.ts')))
  .map((entry) => entry.name);

/**
 * Each SDK client reads only `version` from its package.json (for the User-Agent), yet a default
 * JSON import bundles the whole file: about 2 KiB per client. Only the version goes in.
 */
const sdkPackageVersionOnly = {
  name: 'sdk-package-version-only',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/ }, (args) => {
      const { version } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

/**
 * The SDK's HTTP protocols load event-stream support with a dynamic import, and only for operations
 * that stream; none of the bot's do. Without code splitting esbuild inlines it anyway (about 14 KiB
 * a bundle). Only that dynamic import is pointed at a module that fails loudly, should an operation
 * ever need it; a static import of it would still bundle the real code.
 */
const noEventStreams = {
  name: 'no-event-streams',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: 'event-streams', namespace: 'not-bundled' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'not-bundled' }, () => ({
      contents:
        "const notBundled = () => { throw new Error('event streams are not bundled: no operation of the ops bot streams (esbuild.config.mjs)'); };\n" +
        'export const EventStreamSerde = notBundled;\nexport const eventStreamSerdeProvider = notBundled;\n',
      loader: 'js',
    }));
  },
};

/**
 * The SDK's SHA-256 in plain JavaScript is the fallback for runtimes without node:crypto
 * (Sha256Node picks it only when `createHash` is missing); Lambda's Node always has it. The fallback
 * is replaced by a class that fails loudly, should a runtime ever lack crypto (about 3 KiB a bundle).
 */
const nativeSha256Only = {
  name: 'native-sha256-only',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Js\.js$/ }, () => ({
      contents:
        "export class Sha256Js { constructor() { throw new Error('no node:crypto: the pure-JavaScript SHA-256 is not bundled (esbuild.config.mjs)'); } }\n",
      loader: 'js',
    }));
  },
};

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
    plugins: [sdkPackageVersionOnly, noEventStreams, nativeSha256Only],
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
