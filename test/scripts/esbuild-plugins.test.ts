/**
 * The bundles' error classes, built by one factory instead of a class body each, must be the SDK's
 * classes in everything a caller can see: each client's errors are bundled twice, as the SDK ships
 * them and compacted, and compared class by class; and a modeled error from the wire still arrives
 * as its own class.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM module of the build, without types
import { BUNDLE_PLUGINS, compactErrorClasses } from '../../scripts/esbuild-plugins.mjs';

const CLIENTS = [
  'kms',
  'sns',
  'cloudwatch',
  'application-auto-scaling',
  'resource-groups-tagging-api',
  'sagemaker',
  'pricing',
  'cost-explorer',
  'scheduler',
] as const;
const require = createRequire(import.meta.url);
const workDir = mkdtempSync(join(tmpdir(), 'ops-bot-esbuild-plugins-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

type ErrorClass = (new (options: Record<string, unknown>) => Error & Record<string, unknown>) & { shapeId?: string };

/** The client's errors module (and its base exception), bundled with or without the plugins, then imported. */
async function bundledErrors(client: string, compacted: boolean): Promise<Record<string, ErrorClass>> {
  const models = join(dirname(require.resolve(`@aws-sdk/client-${client}/package.json`)), 'dist-es', 'models');
  const outfile = join(workDir, `${client}-${compacted ? 'compacted' : 'original'}.mjs`);
  await build({
    stdin: { contents: `export * from ${JSON.stringify(join(models, 'errors.js'))};`, resolveDir: process.cwd(), loader: 'js' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    plugins: compacted ? BUNDLE_PLUGINS : [],
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as Record<string, ErrorClass>;
}

/** All a caller can see of an error: its own properties (in order; of the stack, its first line), what it is an instance of, its class's shapeId. */
function seen(ErrorType: ErrorClass) {
  const error = new ErrorType({ message: 'went wrong', $metadata: { httpStatusCode: 400 }, Message: 'field', Code: 'code', Reason: 'why' });
  return {
    properties: Object.entries(Object.getOwnPropertyDescriptors(error)).map(([key, descriptor]) => [
      key,
      key === 'stack' ? String(descriptor.value).split('\n')[0] : descriptor.value,
      descriptor.enumerable,
    ]),
    isError: error instanceof Error,
    isItsClass: error instanceof ErrorType,
    prototypeIsItsClass: Object.getPrototypeOf(error) === ErrorType.prototype,
    message: error.message,
    shapeId: ErrorType.shapeId,
    ownShapeId: Object.prototype.hasOwnProperty.call(ErrorType, 'shapeId'),
    baseIsServiceException: /ServiceException$/.test(Object.getPrototypeOf(ErrorType.prototype).constructor.name),
  };
}

describe('Build: the SDK error classes the bundles compact', () => {
  it.each(CLIENTS)('@aws-sdk/client-%s: every compacted class is the original to a caller', async (client) => {
    // Act
    const [original, compacted] = await Promise.all([bundledErrors(client, false), bundledErrors(client, true)]);

    // Assess: the same classes, each the same in everything a caller sees.
    expect(Object.keys(compacted).sort()).toEqual(Object.keys(original).sort());
    for (const name of Object.keys(original)) expect([name, seen(compacted[name] as ErrorClass)]).toEqual([name, seen(original[name] as ErrorClass)]);
  });

  it('compacts the plain classes of the clients the bot uses, and leaves a class of any other shape as it is', () => {
    // Prepare: one class as the generator writes it, one with a constructor of its own.
    const plain = [
      'export class Throttled extends __BaseException {',
      '    static shapeId = "com.example#Throttled";',
      '    name = "Throttled";',
      '    $fault = "client";',
      '    Message;',
      '    constructor(opts) {',
      '        super({',
      '            name: "Throttled",',
      '            $fault: "client",',
      '            ...opts,',
      '        });',
      '        Object.setPrototypeOf(this, Throttled.prototype);',
      '        this.Message = opts.Message;',
      '    }',
      '}',
      '',
    ].join('\n');
    const custom = plain.replaceAll('Throttled', 'Custom').replace('this.Message = opts.Message;', 'this.Message = opts.Message ?? "none";');

    // Act
    const { contents, compacted } = compactErrorClasses(`import { S as __BaseException } from "./S";\n${plain}${custom}`) as {
      contents: string;
      compacted: number;
    };

    // Assess
    expect(compacted).toBe(1);
    expect(contents).toContain('export const Throttled = __opsBotError("Throttled", "com.example#Throttled", "client", ["Message"]);');
    expect(contents).toContain(custom);
  });

  it('still turns a modeled error from the wire into its own class', async () => {
    // Prepare: a KMS that answers every request with KMSInvalidMacException (awsJson1_1), and the
    // compacted client bundled as the functions bundle it.
    const server: Server = createServer((_request, response) => {
      response
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'KMSInvalidMacException', message: 'The MAC is not valid' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const outfile = join(workDir, 'kms-client.mjs');
    await build({
      stdin: {
        contents: "export { KMSClient, VerifyMacCommand, KMSInvalidMacException } from '@aws-sdk/client-kms';",
        resolveDir: process.cwd(),
        loader: 'js',
      },
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      plugins: BUNDLE_PLUGINS,
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      logLevel: 'silent',
    });
    const kms = (await import(pathToFileURL(outfile).href)) as Record<string, new (...args: unknown[]) => { send(command: unknown): Promise<unknown> }>;

    try {
      // Act
      const client = new (kms.KMSClient as new (config: unknown) => { send(command: unknown): Promise<unknown> })({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 1,
      });
      const verifyMac = kms.VerifyMacCommand as new (input: unknown) => unknown;
      const failure = await client
        .send(new verifyMac({ KeyId: 'alias/x', Message: new Uint8Array([1]), Mac: new Uint8Array([2]), MacAlgorithm: 'HMAC_SHA_256' }))
        .catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(kms.KMSInvalidMacException as unknown as typeof Error);
      expect(failure).toMatchObject({ name: 'KMSInvalidMacException', $fault: 'client', message: 'The MAC is not valid' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
