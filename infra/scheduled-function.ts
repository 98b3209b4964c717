/**
 * One scheduled job: its Lambda function (code from dist/, built once by esbuild), log group,
 * least-privilege role, EventBridge Scheduler schedules with retries and a dead-letter queue,
 * and alarms that tell the admins when the job itself is failing.
 */
import { existsSync } from 'node:fs';
import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StateTable } from './state-table.ts';
import { ENV } from '@ops-bot/shared/config';
import { METRICS_NAMESPACE } from '@ops-bot/shared/aws/metrics';
import { acknowledgeWildcardArns } from './nag.ts';
import { withoutWrites } from './write-actions.ts';

interface JobSchedule {
  /** Construct id of the schedule, e.g. `Daily`. */
  readonly id: string;
  readonly description: string;
  /** Scheduler cron fields; the expression is read in `timezone`. */
  readonly cron: { readonly minute: string; readonly hour: string; readonly weekDay?: string; readonly day?: string };
  readonly input: Record<string, unknown>;
}

interface ScheduledFunctionProps {
  /** Function name as in functions/<name>/ and dist/<name>/. */
  readonly jobName: string;
  readonly description: string;
  readonly distDir: string;
  readonly environment: Record<string, string>;
  readonly policyStatements: readonly iam.PolicyStatement[];
  readonly schedules: readonly JobSchedule[];
  readonly timezone: string;
  readonly topic: sns.ITopic;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetentionDays: number;
  /**
   * Lets the function create one-time `ops-bot-restore-*` schedules that invoke itself again
   * (through this construct's Scheduler role, with the same dead-letter queue).
   */
  readonly canScheduleItself?: boolean;
  /** The job only reports (REPORT_ONLY=true): its role gets no write action at all, whatever the statements ask. */
  readonly reportOnly?: boolean;
  /** At most this many runs at once (Lambda reserved concurrency); unset means no limit of its own. */
  readonly reservedConcurrency?: number;
  /**
   * Why the role needs each wildcard it has: every cdk-nag AwsSolutions-IAM5 finding on it is
   * acknowledged here, next to the statements, with its reason. `'*'` is the unscoped resource.
   */
  readonly wildcards?: ReadonlyArray<{ readonly resources: '*' | readonly string[]; readonly reason: string }>;
}

class ScheduledFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedulerRole: iam.Role;
  readonly schedules: Schedule[];
  /** Every alarm of this job; each notifies the report topic (whose policy must let CloudWatch publish). */
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly topic: sns.ITopic;
  private readonly jobName: string;
  private readonly reportOnly: boolean;

  constructor(scope: Construct, id: string, props: ScheduledFunctionProps) {
    super(scope, id);
    this.topic = props.topic;
    this.jobName = props.jobName;
    this.reportOnly = props.reportOnly ?? false;
    const codeDir = `${props.distDir}/${props.jobName}`;
    if (!existsSync(`${codeDir}/index.mjs`)) {
      throw new Error(`${codeDir}/index.mjs is missing: run "npm run build" before cdk synth or deploy`);
    }

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays as logs.RetentionDays });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.jobName} job of the SageMaker ops bot`,
      inlinePolicies: { job: new iam.PolicyDocument({ statements: props.reportOnly ? withoutWrites(props.policyStatements) : [...props.policyStatements] }) },
    });
    logGroup.grantWrite(this.role);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });

    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(codeDir, { exclude: ['meta.json'] }),
      role: this.role,
      logGroup,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { ...props.environment, TOPIC_ARN: props.topic.topicArn, POWERTOOLS_SERVICE_NAME: props.jobName },
      // Scheduler invokes asynchronously. A failed run is not retried blindly (a retry could act or
      // notify twice); it lands in the dead-letter queue, which alarms.
      retryAttempts: 0,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // Scheduler gets a role of its own per job: it may invoke this function and nothing else.
    const schedulerRole = (this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `Lets EventBridge Scheduler start the ${props.jobName} job`,
    }));
    this.schedules = props.schedules.map(
      (schedule) =>
        new Schedule(this, schedule.id, {
          description: schedule.description,
          schedule: ScheduleExpression.cron({ ...schedule.cron, timeZone: TimeZone.of(props.timezone) }),
          target: new LambdaInvoke(this.function, {
            role: schedulerRole,
            input: ScheduleTargetInput.fromObject(schedule.input),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        }),
    );

    if (props.canScheduleItself && !props.reportOnly) this.allowSelfScheduling();
    for (const { resources, reason } of props.wildcards ?? []) this.acknowledgeWildcards(resources, reason);

    acknowledgeWildcardArns(
      schedulerRole,
      [`${this.function.functionArn}:*`],
      "CDK's LambdaInvoke grant covers this one function and its versions; nothing else can be invoked.",
    );
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the job (Scheduler delivery failures and failed async runs).',
    });

    // Every job publishes its report to the topic, and its alarms notify the same topic.
    props.topic.grantPublish(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Publishing to the KMS-encrypted topic needs GenerateDataKey* on its one key (granted by topic.grantPublish).',
    });
    // What pages: a scheduled run that failed. Scheduler invokes asynchronously, so such a run (its
    // error, its timeout, or a delivery that never reached the function) ends in the dead-letter
    // queue. A manual `aws lambda invoke` is synchronous: its error, a mistyped event included, goes
    // back to the person who invoked it and pages no one. Hence no alarm on the function's Errors.
    this.alarmOn(
      'DeadLettersAlarm',
      `A scheduled ${props.jobName} run failed or could not be delivered; its event is in the dead-letter queue. See the function's log group.`,
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    );
  }

  /** An alarm at 1 or more of `metric` that notifies the report topic, like the job's own alarms. */
  alarmOn(id: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * The job keeps its state in the state table (STATE_TABLE): it reads it, and with `write` (never
   * when report-only) writes items there. With `legacyKey`, the previous version's key (STATE_KEY_ID)
   * is checked against by the one-time import of its signed tags (VerifyMac only); an alarm pages on
   * state the bot does not act on.
   */
  keepsState(stateTable: StateTable, access: 'write' | 'read', legacyKey?: kms.IKey): void {
    this.function.addEnvironment(ENV.stateTable, stateTable.table.tableName);
    stateTable.grantJob(this.role, access === 'write' && !this.reportOnly ? 'write' : 'read');
    if (legacyKey) {
      this.function.addEnvironment(ENV.stateKeyId, legacyKey.keyArn);
      this.role.addToPolicy(new iam.PolicyStatement({ sid: 'ImportSignedState', actions: ['kms:VerifyMac'], resources: [legacyKey.keyArn] }));
    }
    this.alarmOn(
      'StateRejectedAlarm',
      "The bot found ops-bot state it does not act on (not in its state table, or saved for an earlier resource of the same name): it was left as it is. The job's report names the resource.",
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'StateRejected',
        dimensionsMap: { Job: this.jobName },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
    );
  }

  /** Acknowledges AwsSolutions-IAM5 on the role for `resources`, with the reason they must be wildcards. */
  acknowledgeWildcards(resources: '*' | readonly string[], reason: string): void {
    if (resources === '*') Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    else acknowledgeWildcardArns(this.role, resources, reason);
  }

  private allowSelfScheduling(): void {
    const stack = Stack.of(this);
    this.function.addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn);
    this.function.addEnvironment('SCHEDULER_DLQ_ARN', this.deadLetterQueue.queueArn);
    const scheduleArn = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: 'default/ops-bot-restore-*' });
    this.role.addToPolicy(new iam.PolicyStatement({ sid: 'CreateOneTimeRestores', actions: ['scheduler:CreateSchedule'], resources: [scheduleArn] }));
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    this.acknowledgeWildcards([scheduleArn], 'One-time restore schedules are named by their run time; the prefix limits the function to its own.');
  }
}

export { ScheduledFunction };
export type { ScheduledFunctionProps, JobSchedule };
