/**
 * A job's whole read of an account, recorded and replayed: `plan -- <job> --save-snapshot FILE`
 * answers every AWS call live and writes down each answer; `--snapshot FILE` answers each call from
 * the file, with the clock at the capture's time and the settings of the capture, so the job
 * decides exactly as it did and an admin can send a puzzling case to someone without AWS access.
 * The same tap counts calls for the progress line. CLI only: nothing here is in a Lambda bundle.
 *
 * A snapshot never holds a credential: the presigned notebook URLs are cut to their host (their
 * token is a login), and the Jupyter answers are kept by host.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { PricingClient } from '@aws-sdk/client-pricing';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SnapshotError } from '@ops-bot/shared/errors';
import { elapsedMs } from '@ops-bot/shared/util/clock';

const CLIENTS = {
  sagemaker: SageMakerClient,
  cloudwatch: CloudWatchClient,
  'application-autoscaling': ApplicationAutoScalingClient,
  tagging: ResourceGroupsTaggingAPIClient,
  scheduler: SchedulerClient,
  sns: SNSClient,
  kms: KMSClient,
  // The state table: a dry run reads it (one Query a record family), and its replay answers the same.
  dynamodb: DynamoDBClient,
  'cost-explorer': CostExplorerClient,
  pricing: PricingClient,
} as const;

interface AwsCall {
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly input: unknown;
}

type Answer = { readonly output: unknown } | { readonly error: { readonly name: string; readonly message: string } };

interface Recording {
  readonly kind: 'recorded-calls';
  readonly version: 1;
  readonly job: string;
  readonly capturedAt: string;
  /** The job's settings at the capture (the variables its config parser read). */
  readonly settings: Readonly<Record<string, string>>;
  /** Answers by call: `<service> <region> <operation> <canonical input>`. */
  readonly calls: Record<string, Answer>;
  /** Jupyter's answers, by notebook host. */
  readonly jupyter: Record<string, Answer>;
}

/** JSON with the types SDK inputs and outputs carry: dates, bytes, and String objects as strings. */
function encode(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof String) return value.toString();
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, item]) => item !== undefined && key !== '$metadata')
      .sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([key, item]) => [key, encode(item)]));
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.$date === 'string') return new Date(record.$date);
    if (typeof record.$bytes === 'string') return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decode(item)]));
  }
  return value;
}

const callKey = (call: AwsCall) => `${call.service} ${call.region} ${call.operation} ${JSON.stringify(encode(call.input))}`;

/** A presigned URL is a login: only its host is kept. */
function withoutCredentials(call: AwsCall, output: unknown): unknown {
  if (call.operation !== 'CreatePresignedNotebookInstanceUrl') return output;
  const url = (output as { AuthorizedUrl?: string }).AuthorizedUrl;
  return { ...(output as object), AuthorizedUrl: url ? `${new URL(url).origin}/` : url };
}

type Send = (
  this: { config: { region: () => Promise<string> } },
  command: { input: unknown; constructor: { name: string } },
  ...rest: unknown[]
) => Promise<unknown>;

/**
 * Every SDK client of the bot answers through `around` until the returned function is called: it
 * is given the call and the live send, and may call it, or answer itself.
 */
function tapAwsCalls(around: (call: AwsCall, live: () => Promise<unknown>) => Promise<unknown>): () => void {
  const restores = Object.entries(CLIENTS).map(([service, Client]) => {
    const prototype = Client.prototype as unknown as { send: Send };
    const hadOwn = Object.prototype.hasOwnProperty.call(prototype, 'send');
    const original = prototype.send;
    prototype.send = async function (command, ...rest) {
      const call = { service, region: await this.config.region(), operation: command.constructor.name.replace(/Command$/, ''), input: command.input };
      return around(call, () => original.call(this, command, ...rest));
    };
    return () => {
      if (hadOwn) prototype.send = original;
      else delete (prototype as { send?: Send }).send;
    };
  });
  return () => restores.forEach((restore) => restore());
}

function newRecording(job: string, capturedAt: Date, settings: Record<string, string>): Recording {
  return { kind: 'recorded-calls', version: 1, job, capturedAt: capturedAt.toISOString(), settings, calls: {}, jupyter: {} };
}

/** Answers live and writes each answer (or failure) into the recording. */
function record(recording: Recording): () => void {
  return tapAwsCalls(async (call, live) => {
    try {
      const output = await live();
      recording.calls[callKey(call)] = { output: encode(withoutCredentials(call, output)) };
      return output;
    } catch (error) {
      recording.calls[callKey(call)] = { error: { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) } };
      throw error;
    }
  });
}

class NotRecordedError extends Error {
  constructor(call: AwsCall) {
    super(`${call.operation} in ${call.region} is not in the snapshot (was it taken with other settings or by another version?)`);
    this.name = 'NotRecordedError';
  }
}

function failure(answer: { error: { name: string; message: string } }): Error {
  return Object.assign(new Error(answer.error.message), { name: answer.error.name });
}

/** Answers every call from the recording; a call it does not hold fails, as an unreachable service would. */
function replay(recording: Recording): () => void {
  return tapAwsCalls(async (call) => {
    const answer = recording.calls[callKey(call)];
    if (!answer) throw new NotRecordedError(call);
    if ('error' in answer) throw failure(answer);
    return decode(answer.output);
  });
}

/** Jupyter's answer for a notebook, recorded by host (never the token), or replayed. */
function jupyterThrough<T>(recording: Recording, mode: 'record' | 'replay', read: (url: string) => Promise<T>): (url: string) => Promise<T> {
  return async (url) => {
    const host = new URL(url).host;
    if (mode === 'replay') {
      const answer = recording.jupyter[host];
      if (!answer) throw new Error(`the notebook at ${host} is not in the snapshot`);
      if ('error' in answer) throw failure(answer);
      return decode(answer.output) as T;
    }
    try {
      const activity = await read(url);
      recording.jupyter[host] = { output: encode(activity) };
      return activity;
    } catch (error) {
      recording.jupyter[host] = { error: { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) } };
      throw error;
    }
  };
}

async function saveRecording(path: string, recording: Recording): Promise<void> {
  await writeFile(path, `${JSON.stringify(recording, null, 1)}\n`, 'utf8');
}

async function loadRecording(path: string): Promise<Recording> {
  let parsed: Partial<Recording>;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Recording>;
  } catch (error) {
    throw new SnapshotError(`Cannot read snapshot ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (parsed?.kind !== 'recorded-calls' || parsed.version !== 1 || Number.isNaN(Date.parse(String(parsed.capturedAt))) || typeof parsed.calls !== 'object') {
    throw new SnapshotError(`Snapshot ${path} is not a recording of a plan run (kind "recorded-calls", version 1)`);
  }
  return { jupyter: {}, settings: {}, ...parsed } as Recording;
}

/**
 * On a terminal, one line on stderr that says what is being read: calls so far, by region. Quiet
 * in a pipe (a script reading stdout, a CI log). The returned function clears the line.
 */
function showProgress(stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!stream.isTTY) return () => undefined;
  const byRegion = new Map<string, number>();
  let shown = 0;
  const draw = () => {
    const parts = [...byRegion].map(([region, count]) => `${region} ${count}`);
    stream.write(`\r\x1b[Kreading AWS: ${parts.join(', ')} calls`);
  };
  const untap = tapAwsCalls(async (call, live) => {
    byRegion.set(call.region, (byRegion.get(call.region) ?? 0) + 1);
    if (elapsedMs() - shown > 200) {
      shown = elapsedMs();
      draw();
    }
    return live();
  });
  return () => {
    untap();
    stream.write('\r\x1b[K');
  };
}

export { tapAwsCalls, newRecording, record, replay, jupyterThrough, saveRecording, loadRecording, showProgress, NotRecordedError };
export type { Recording, AwsCall };
