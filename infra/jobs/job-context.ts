/** What every job's construct gets from the bot alike, and the ARNs the jobs' policies name. */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import type { DeployConfig } from '../deploy-config.ts';

interface JobContext {
  readonly config: DeployConfig;
  /** Where `npm run build` wrote the bundles. */
  readonly distDir: string;
  readonly topic: sns.ITopic;
  /** The KMS HMAC key that signs the bot's state on resources (STATE_KEY_ID). */
  readonly stateKey: kms.IKey;
  /** The regions the jobs read, and so the regions their SageMaker permissions name. */
  readonly regions: readonly string[];
}

/** `arn:…:sagemaker:<region>:<account>:<resource>/<resourceName>` for each region the jobs read. */
function sageMakerArns(scope: IConstruct, regions: readonly string[], resource: string, resourceName = '*'): string[] {
  const stack = Stack.of(scope);
  return regions.map((region) => stack.formatArn({ service: 'sagemaker', region, resource, resourceName }));
}

/** Endpoints and endpoint configs, region by region (the order the policies have always listed them in). */
function endpointArns(scope: IConstruct, regions: readonly string[]): string[] {
  return regions.flatMap((region) => [...sageMakerArns(scope, [region], 'endpoint'), ...sageMakerArns(scope, [region], 'endpoint-config')]);
}

function commonProps(context: JobContext) {
  return { distDir: context.distDir, timezone: context.config.timezone, topic: context.topic, logRetentionDays: context.config.logRetentionDays };
}

/** Today's prices and hardware from the AWS Price List (read-only, no resource-level permissions). */
function readPriceList(): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'ReadPriceList', actions: ['pricing:GetProducts'], resources: ['*'] });
}

export { sageMakerArns, endpointArns, commonProps, readPriceList };
export type { JobContext };
