// What the function bundles leave out or write smaller, each without changing what the bot does.
// esbuild.config.mjs uses them all; test/scripts/esbuild-plugins.test.ts checks the error classes.
import { readFileSync } from 'node:fs';

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
        "const notBundled = () => { throw new Error('event streams are not bundled: no operation of the ops bot streams (scripts/esbuild-plugins.mjs)'); };\n" +
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
        "export class Sha256Js { constructor() { throw new Error('no node:crypto: the pure-JavaScript SHA-256 is not bundled (scripts/esbuild-plugins.mjs)'); } }\n",
      loader: 'js',
    }));
  },
};

/**
 * Every SDK client's models/errors.js declares each error of its service as a class of the same
 * shape (shapeId, name, $fault, its own fields, a constructor passing them on), and a bundle keeps
 * them all: the client's schemas register every one. KMS, SNS and CloudWatch alone are some 100
 * classes, about 20 KiB. Each class that is exactly that shape (compared with the text the shape
 * would have, character for character) becomes one call of a factory that builds the same class:
 * same name, $fault, shapeId, fields, base class and prototype, so `instanceof`, `error.name` and
 * the fields answer as before. A class that differs in any way is left exactly as it is.
 */
const ERROR_CLASS = /export class (\w+) extends __BaseException \{\n[\s\S]*?\n\}\n/g;

/** The text the generator writes for a class of this name, shapeId (older clients have none), fault and fields. */
function plainErrorClass(name, shapeId, fault, fields) {
  return [
    `export class ${name} extends __BaseException {`,
    ...(shapeId ? [`    static shapeId = ${shapeId};`] : []),
    `    name = "${name}";`,
    `    $fault = ${fault};`,
    ...fields.map((field) => `    ${field};`),
    '    constructor(opts) {',
    '        super({',
    `            name: "${name}",`,
    `            $fault: ${fault},`,
    '            ...opts,',
    '        });',
    `        Object.setPrototypeOf(this, ${name}.prototype);`,
    ...fields.map((field) => `        this.${field} = opts.${field};`),
    '    }',
    '}',
    '',
  ].join('\n');
}

const ERROR_FACTORY = `
function __opsBotError(name, shapeId, fault, fields = []) {
  const made = {
    [name]: class extends __BaseException {
      name = name;
      $fault = fault;
      constructor(opts) {
        super({ name, $fault: fault, ...opts });
        Object.setPrototypeOf(this, made.prototype);
        for (const field of fields) this[field] = opts[field];
      }
    },
  }[name];
  if (shapeId !== undefined) made.shapeId = shapeId;
  return made;
}
`;

/** The module with its plain error classes made by the factory, and how many were; the source itself when none are. */
function compactErrorClasses(source) {
  let compacted = 0;
  const body = source.replace(ERROR_CLASS, (block, name) => {
    const shapeId = /\n {4}static shapeId = ("[^"\n]+");\n/.exec(block)?.[1];
    const fault = /\n {4}\$fault = ("client"|"server");\n/.exec(block)?.[1];
    const fields = [...block.matchAll(/\n {4}(\w+);(?=\n)/g)].map((match) => match[1]);
    if (!fault || block !== plainErrorClass(name, shapeId, fault, fields)) return block;
    compacted += 1;
    const extra = fields.length > 0 ? `, ${JSON.stringify(fields)}` : '';
    return `export const ${name} = __opsBotError(${JSON.stringify(name)}, ${shapeId ?? 'undefined'}, ${fault}${extra});\n`;
  });
  return compacted === 0 ? { contents: source, compacted } : { contents: `${body}${ERROR_FACTORY}`, compacted };
}

const compactSdkErrors = {
  name: 'compact-sdk-errors',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]models[\\/]errors\.js$/ }, (args) => ({
      contents: compactErrorClasses(readFileSync(args.path, 'utf8')).contents,
      loader: 'js',
    }));
  },
};

const BUNDLE_PLUGINS = [sdkPackageVersionOnly, noEventStreams, nativeSha256Only, compactSdkErrors];

export { BUNDLE_PLUGINS, compactErrorClasses };
