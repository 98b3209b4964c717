import { JOB_CONFIG, JOB_NAMES, type JobName } from '@ops-bot/shared/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, jobStatements, synthesize, type Synthesized } from '../support/cdk.ts';

const config = {
  timezone: 'Europe/Berlin',
  emails: ['ml-admins@example.com'],
  smsNumbers: ['+14155550100'],
  regions: ['us-east-1', 'eu-west-1'],
  endpointIdleHours: 48,
  priceOverrides: { 'ml.g5.xlarge': 1.2 },
};

describe('Stack: SageMakerOpsBot', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize(config);
  });
  afterAll(() => synthesized.cleanup());

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    expect(synthesized.validationViolations).toEqual([]);
  });

  it('stays clean under cdk-nag when deployed with a concrete account and region, as cdk deploy does', () => {
    // Prepare: the CLI resolves the account and region, so findings quote literal ARNs.
    const concrete = synthesize(config, { account: '111122223333', region: 'eu-west-1' });

    try {
      // Assess
      expect(concrete.validationViolations).toEqual([]);
    } finally {
      concrete.cleanup();
    }
  });

  it('keeps the state in one DynamoDB table of the contract: on demand, recoverable, protected, retained, encrypted, TTL on expiresAt', () => {
    // Assess
    const { template } = synthesized;
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table?.Properties).not.toHaveProperty('GlobalSecondaryIndexes');
    expect(table?.Properties).not.toHaveProperty('LocalSecondaryIndexes');
  });

  it("lets only the writing jobs' roles write items: the table's own policy denies every other principal", () => {
    // Prepare
    const { template } = synthesized;
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const roleOf = (job: string) =>
      Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) =>
        id.startsWith(job.replace(/(^|-)(\w)/g, (_, _dash, c: string) => c.toUpperCase())),
      )?.[0];
    const writers = ['idle-endpoints', 'weekend-scaling', 'idle-notebooks'].map(roleOf);

    // Assess: one Deny of every item write to any principal whose ARN is not a writer's role.
    const statements = (table?.Properties.ResourcePolicy as { PolicyDocument: { Statement: Array<Record<string, unknown>> } }).PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Sid: 'OnlyTheBotWritesItems',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: [
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:PartiQLInsert',
          'dynamodb:PartiQLUpdate',
          'dynamodb:PartiQLDelete',
        ],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': writers.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) } },
      },
    ]);
    expect(writers.every((id) => id !== undefined)).toBe(true);
    // The readers (savings-report, cost-report) are not among them, and no job may write beyond Put and Delete.
    const writes = JOB_NAMES.flatMap((job) =>
      jobStatements(template, job)
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) =>
          actionsOf([statement])
            .filter((action) => action.startsWith('dynamodb:') && !['dynamodb:Query', 'dynamodb:GetItem'].includes(action))
            .map((action) => `${job} ${action}`),
        ),
    );
    expect(writes.sort()).toEqual([
      'idle-endpoints dynamodb:DeleteItem',
      'idle-endpoints dynamodb:PutItem',
      'idle-notebooks dynamodb:DeleteItem',
      'idle-notebooks dynamodb:PutItem',
      'weekend-scaling dynamodb:DeleteItem',
      'weekend-scaling dynamodb:PutItem',
    ]);
  });

  it('encrypts the report topic with a rotating KMS key and refuses plain HTTP', () => {
    // Assess
    const { template } = synthesized;
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('subscribes the configured email and phone', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-admins@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sms', Endpoint: '+14155550100' });
  });

  it('runs the bundle from dist/ on nodejs24.x with the documented environment', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          TOPIC_ARN: { Ref: Match.stringLikeRegexp('ReportTopic') },
          REGIONS: 'us-east-1,eu-west-1',
          ENDPOINT_IDLE_HOURS: '48',
          PRICE_OVERRIDES: '{"ml.g5.xlarge":1.2}',
          POWERTOOLS_SERVICE_NAME: 'idle-endpoints',
        },
      },
    });
  });

  it('gives each function only the variables its own config parser reads', () => {
    // Prepare
    const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function')) as Array<{
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }>;

    // Assess: every job's function is there, and no variable of another job leaks in.
    const jobs = functions.map((fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as JobName);
    expect([...jobs].sort()).toEqual([...JOB_NAMES].sort());
    for (const fn of functions) {
      const { POWERTOOLS_SERVICE_NAME: job, ...variables } = fn.Properties.Environment.Variables;
      const own = new Set<string>(JOB_CONFIG[job as JobName].variables);
      expect(Object.keys(variables).filter((variable) => !own.has(variable))).toEqual([]);
    }
  });

  it('schedules the daily run at 09:00 in the configured time zone, with retries and a dead-letter queue', () => {
    synthesized.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Input: '{}',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });

  it("lets CloudWatch publish to the topic for this account's own alarms, beside the TLS-only deny", () => {
    // Prepare
    const policies = Object.values(synthesized.template.findResources('AWS::SNS::TopicPolicy')) as Array<{
      Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } };
    }>;
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const alarmIds = Object.keys(synthesized.template.findResources('AWS::CloudWatch::Alarm'));

    // Assess
    const allow = statements.find((statement) => statement.Sid === 'CloudWatchAlarmsPublish');
    expect(allow).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
    const condition = allow?.Condition as { StringEquals: Record<string, unknown>; ArnEquals: { 'aws:SourceArn': Array<{ 'Fn::GetAtt': [string, string] }> } };
    expect(condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(condition.ArnEquals['aws:SourceArn'].map((arn) => arn['Fn::GetAtt'][0]).sort()).toEqual([...alarmIds].sort());
    expect(statements.some((statement) => statement.Effect === 'Deny' && JSON.stringify(statement.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('warns at synth when the topic has no subscriber, and not when it has one', () => {
    // Prepare
    const lonely = synthesize({});

    try {
      // Assess
      lonely.annotations.hasWarning('*', Match.stringLikeRegexp('The report topic has no subscriber'));
      expect(synthesized.annotations.findWarning('*', Match.stringLikeRegexp('no subscriber'))).toEqual([]);
    } finally {
      lonely.cleanup();
    }
  });

  it('outputs the topic, the dashboard, the state table, each function and a ready dry-run command per job', () => {
    // Prepare
    const outputs = synthesized.template.findOutputs('*');

    // Assess
    expect(Object.keys(outputs).sort()).toEqual(
      ['CostReport', 'IdleEndpoints', 'IdleNotebooks', 'SavingsReport', 'WeekendScaling']
        .flatMap((job) => [`${job}DryRun`, `${job}FunctionName`])
        .concat(['DashboardUrl', 'StateTableName', 'TopicArn'])
        .sort(),
    );
    expect(JSON.stringify(outputs.WeekendScalingDryRun?.Value)).toContain(`--payload '{\\"action\\":\\"scale-down\\",\\"dryRun\\":true}'`);
    expect(JSON.stringify(outputs.DashboardUrl?.Value)).toContain('#dashboards:name=');
  });

  it('pages on failed scheduled runs (dead letters), weekend failures and idle-action failures, never on a refused manual invoke', () => {
    const alarms = synthesized.template.findResources('AWS::CloudWatch::Alarm');
    const metrics = Object.values(alarms).map((alarm) => (alarm as { Properties: { MetricName: string } }).Properties.MetricName);
    // No alarm on Lambda Errors: a manual invoke with a mistyped event fails synchronously, to its caller.
    // StateRejected: one per job that keeps state in the table (idle-endpoints, weekend-scaling, idle-notebooks, savings-report).
    expect(metrics.sort()).toEqual([
      ...Array(5).fill('ApproximateNumberOfMessagesVisible'),
      'IdleActionFailures',
      ...Array(4).fill('StateRejected'),
      'WeekendFailures',
    ]);
    for (const alarm of Object.values(alarms)) {
      expect((alarm as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/ReportTopic/) }]);
    }
  });

  it('gives idle-endpoints reads, and writes only for the idle action and its undo, and publish on its own topic only', () => {
    // Prepare
    const statements = jobStatements(synthesized.template, 'idle-endpoints');
    const sid = (id: string) => statements.find((statement) => statement.Sid === id);
    const allowed = actionsOf(statements.filter((statement) => statement.Effect === 'Allow'));

    // Assess: every SageMaker write is one of the idle action's.
    expect(allowed.filter((action) => action.startsWith('sagemaker:'))).toEqual([
      'sagemaker:AddTags',
      'sagemaker:CreateEndpoint',
      'sagemaker:DeleteEndpoint',
      'sagemaker:DeleteTags',
      'sagemaker:DescribeEndpoint',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:DescribeInferenceComponent',
      'sagemaker:DescribeInferenceRecommendationsJob',
      'sagemaker:ListEndpoints',
      'sagemaker:ListInferenceComponents',
      'sagemaker:ListInferenceRecommendationsJobs',
      'sagemaker:ListTags',
      'sagemaker:UpdateInferenceComponentRuntimeConfig',
    ]);
    // Inference Recommender: read only, its jobs only.
    expect(JSON.stringify(sid('ReadRecommendationJobs')?.Resource)).toContain(':inference-recommendations-job/*');
    expect(allowed).toContain('sns:Publish');
    expect(allowed.some((action) => action.endsWith(':*') || action === '*')).toBe(false);
    // DeleteEndpoint: only on endpoints, only those whose owner tagged them for delete.
    expect(sid('DeleteOptedInEndpoints')).toMatchObject({
      Action: 'sagemaker:DeleteEndpoint',
      Condition: { StringEquals: { 'aws:ResourceTag/ops-bot:idle-action': 'delete' } },
    });
    expect(JSON.stringify(sid('DeleteOptedInEndpoints')?.Resource)).not.toContain('endpoint-config');
    expect(statements.filter((statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes('sagemaker:DeleteEndpoint'))).toHaveLength(1);
    // No tag write on endpoint configs: recreate records live in the state table.
    expect(sid('KeepRecreateRecords')).toBeUndefined();
    expect(
      statements.filter(
        (statement) =>
          statement.Effect === 'Allow' &&
          [statement.Action].flat().includes('sagemaker:AddTags') &&
          JSON.stringify(statement.Resource).includes('endpoint-config'),
      ),
    ).toEqual([]);
    // Other keys only as part of CreateEndpoint (the owner's tags back on a recreated endpoint).
    expect(sid('TagRecreatedEndpoints')?.Condition).toEqual({ StringEquals: { 'sagemaker:TaggingAction': 'CreateEndpoint' } });
    expect(sid('KeepEndpointState')?.Condition).toEqual({
      'ForAllValues:StringLike': {
        'aws:TagKeys': [
          'ops-bot:cost-per-day',
          'ops-bot:held-since',
          'ops-bot:restored-at',
          'ops-bot:booked-through',
          'ops-bot:state',
          'ops-bot:state-mac',
          'ops-bot:gen:*',
        ],
      },
    });
    // The previous version's key: only checked against (the one-time import), never used to make a MAC.
    expect(sid('ImportSignedState')).toMatchObject({
      Action: 'kms:VerifyMac',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/StateKey/), 'Arn'] },
    });
    // Its state: the state table alone.
    expect(sid('StateTableReadWrite')).toMatchObject({
      Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/StateTable/), 'Arn'] },
    });
    expect(sid('KeepStateOnComponents')?.Condition).toMatchObject({
      'ForAllValues:StringLike': { 'aws:TagKeys': expect.arrayContaining(['ops-bot:saved-copy-count', 'ops-bot:held-by']) },
    });
    // The skip deny covers every write.
    expect(sid('NeverTouchSkipped')).toMatchObject({
      Effect: 'Deny',
      Action: [
        'sagemaker:DeleteEndpoint',
        'sagemaker:CreateEndpoint',
        'sagemaker:UpdateInferenceComponentRuntimeConfig',
        'sagemaker:AddTags',
        'sagemaker:DeleteTags',
      ],
      Resource: '*',
      Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/ops-bot:skip': 'true' } },
    });
    // CreateEndpoint is there for the recreate.
    expect(sid('RecreateEndpoints')).toMatchObject({ Action: 'sagemaker:CreateEndpoint' });
  });

  it('alarms on a failed idle action, on the metric the job emits', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SageMakerOpsBot',
      MetricName: 'IdleActionFailures',
      Dimensions: [{ Name: 'Job', Value: 'idle-endpoints' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('keeps logs for the configured retention', () => {
    synthesized.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('Stack: weekend-scaling job', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ ...config, holidays: ['2026-12-28'], schedules: { weekendRestore: { weekDay: 'TUE', hour: 6, minute: 30 } } });
  });
  afterAll(() => synthesized.cleanup());

  it('runs one at a time, and alarms when a run leaves components failed', () => {
    // Assess
    const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function')) as Array<{
      Properties: { Description: string; ReservedConcurrentExecutions?: number; Timeout: number };
    }>;
    const weekend = functions.find((fn) => fn.Properties.Description.startsWith('Scales opted-in'));
    expect(weekend?.Properties).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 600 });
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'SageMakerOpsBot',
      MetricName: 'WeekendFailures',
      // The dimension the job's metrics sink adds to every point (shared/src/aws/metrics.ts).
      Dimensions: [{ Name: 'Job', Value: 'weekend-scaling' }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('ReportTopic') }],
    });
  });

  it('registers scalable targets only for inference-component copy counts', () => {
    // Prepare
    const statements = jobStatements(synthesized.template, 'weekend-scaling');

    // Assess
    const register = statements.filter((statement) =>
      ([] as string[]).concat(statement.Action as string | string[]).includes('application-autoscaling:RegisterScalableTarget'),
    );
    expect(register).toHaveLength(1);
    expect(register[0]?.Condition).toEqual({
      StringEquals: {
        'application-autoscaling:service-namespace': 'sagemaker',
        'application-autoscaling:scalable-dimension': 'sagemaker:inference-component:DesiredCopyCount',
      },
    });
    expect(JSON.stringify(register[0]?.Resource)).toContain(':scalable-target/*');
    expect(register[0]?.Resource).not.toBe('*');
  });

  it('schedules the scale-down and the restore in the configured zone, each with its action', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 18 ? * FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({ Input: '{"action":"scale-down"}' }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 6 ? * TUE *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({ Input: '{"action":"restore"}' }),
    });
  });

  it('tells the function its zone, restore time, holidays and how to schedule a one-time restore', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'weekend-scaling',
          TIMEZONE: 'Europe/Berlin',
          WEEKEND_SCOPE: 'tagged',
          WEEKEND_RESTORE_AT: 'TUE 06:30',
          HOLIDAYS: '2026-12-28',
          SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('WeekendScalingSchedulerRole'), 'Arn'] },
          SCHEDULER_DLQ_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('WeekendScalingDeadLetters'), 'Arn'] },
        }),
      },
    });
  });

  it('sets copy counts only on components that opted in, and never on skipped ones', () => {
    // Prepare
    const statements = jobStatements(synthesized.template, 'weekend-scaling');
    const update = statements.find((statement) => statement.Sid === 'SetCopyCounts');
    const deny = statements.find((statement) => statement.Effect === 'Deny');

    // Assess
    expect(update?.Condition).toEqual({ StringEqualsIgnoreCase: { 'aws:ResourceTag/ops-bot:weekend-scale-to-zero': 'true' } });
    expect(JSON.stringify(update?.Resource)).toContain(':inference-component/*');
    expect(deny).toMatchObject({
      Action: ['sagemaker:UpdateInferenceComponentRuntimeConfig', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
      Resource: '*',
      Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/ops-bot:skip': 'true' } },
    });
  });

  it('writes only its own state tags, and passes its scheduler role only to Scheduler', () => {
    // Prepare
    const statements = jobStatements(synthesized.template, 'weekend-scaling');

    // Assess
    expect(statements.find((statement) => statement.Sid === 'KeepStateOnComponents')?.Condition).toEqual({
      'ForAllValues:StringLike': {
        'aws:TagKeys': [
          'ops-bot:saved-copy-count',
          'ops-bot:saved-min-capacity',
          'ops-bot:saved-max-capacity',
          'ops-bot:saved-at',
          'ops-bot:restore-after',
          'ops-bot:held-by',
          'ops-bot:state',
          'ops-bot:state-mac',
          'ops-bot:gen:*',
        ],
      },
    });
    expect(statements.find((statement) => statement.Sid === 'PassSchedulerRole')?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    expect(JSON.stringify(statements.find((statement) => statement.Sid === 'CreateOneTimeRestores')?.Resource)).toContain('schedule/default/ops-bot-restore-*');
    expect(actionsOf(statements).filter((action) => action.startsWith('sagemaker:'))).toEqual([
      'sagemaker:AddTags',
      'sagemaker:DeleteTags',
      'sagemaker:DescribeEndpoint',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:DescribeInferenceComponent',
      'sagemaker:ListInferenceComponents',
      'sagemaker:ListTags',
      'sagemaker:UpdateInferenceComponentRuntimeConfig',
    ]);
  });

  it('drops the opt-in condition when the scope is all', () => {
    // Prepare
    const all = synthesize({ weekendScope: 'all' });

    try {
      // Act
      const update = jobStatements(all.template, 'weekend-scaling').find((statement) => statement.Sid === 'SetCopyCounts');

      // Assess
      expect(update?.Condition).toBeUndefined();
      expect(all.validationViolations).toEqual([]);
    } finally {
      all.cleanup();
    }
  });
});

describe('Stack: cost-report job and dashboard', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ ...config, schedules: { costReport: { hour: 7, minute: 30 } }, costPeriodDays: 7 });
  });
  afterAll(() => synthesized.cleanup());

  it('schedules the cost report daily at the configured time, in the configured zone', () => {
    synthesized.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Description: 'Daily per-model cost report',
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'cost-report', COST_PERIOD_DAYS: '7' }) },
    });
  });

  it('gives the cost report read-only access', () => {
    // logs: its own log group; kms: the topic's key; sqs: its own dead-letter queue (failed runs).
    const actions = actionsOf(jobStatements(synthesized.template, 'cost-report'));
    expect(actions.filter((action) => !/^(logs|kms|sqs):/.test(action))).toEqual([
      // The bill check reads Cost Explorer; nothing else is new.
      'ce:GetCostAndUsage',
      'cloudwatch:GetMetricData',
      'cloudwatch:ListMetrics',
      // Today's prices, from the Price List.
      'pricing:GetProducts',
      'sagemaker:DescribeEndpoint',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:DescribeInferenceComponent',
      // What of the bill besides hosting it explains: the notebooks and Studio and Canvas apps running.
      'sagemaker:ListApps',
      'sagemaker:ListEndpoints',
      'sagemaker:ListInferenceComponents',
      'sagemaker:ListNotebookInstances',
      'sns:Publish',
    ]);
  });

  it("deploys a dashboard whose per-model graphs are SEARCH expressions over the bot's metrics", () => {
    // Prepare: the body is a Fn::Join of JSON text around region references.
    const dashboards = synthesized.template.findResources('AWS::CloudWatch::Dashboard');
    const join = (Object.values(dashboards)[0] as { Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } } }).Properties.DashboardBody[
      'Fn::Join'
    ][1];
    const body = JSON.parse(join.map((part) => (typeof part === 'string' ? part : 'us-east-1')).join('')) as {
      widgets: Array<{ properties: { title: string; metrics?: unknown[][] } }>;
    };
    const expressions = body.widgets
      .flatMap((widget) =>
        (widget.properties.metrics ?? [])
          .flat()
          .flatMap((item) => ((item as { expression?: string })?.expression ? [(item as { expression: string }).expression] : [])),
      )
      .filter((expression) => expression.startsWith('SEARCH'));
    const named = JSON.stringify(body);

    // Assess
    expect(Object.keys(dashboards)).toHaveLength(1);
    expect(expressions).toEqual([
      `SEARCH('{SageMakerOpsBot,Job,Region,EndpointName,VariantName,InferenceComponentName} Job="cost-report" MetricName="ComponentCost"', 'Sum', 86400)`,
      `SEARCH('{SageMakerOpsBot,Job,Region,EndpointName,VariantName} Job="cost-report" MetricName="UnallocatedCost"', 'Sum', 86400)`,
      `SEARCH('{SageMakerOpsBot,Job,Region,EndpointName,VariantName} Job="cost-report" MetricName="GpusHeld"', 'Average', 86400)`,
      `SEARCH('{SageMakerOpsBot,Job,Region,EndpointName,VariantName} Job="cost-report" MetricName="GpusTotal"', 'Average', 86400)`,
    ]);
    for (const metric of ['TotalCost', 'IdleEndpointsCostPerDay', 'WeekendEstimatedSavings', 'WeekendScaledDown']) expect(named).toContain(`"${metric}"`);
    expect(body.widgets.map((widget) => widget.properties.title)).toContain('Job runs and errors');
  });
});

describe('Stack: idle-notebooks job', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({
      ...config,
      notebookOffHours: { stop: { hour: 19, minute: 30 }, start: { hour: 7, minute: 45 }, weekDays: 'MON-FRI' },
      notebookIdleMinutes: 90,
    });
  });
  afterAll(() => synthesized.cleanup());

  it('holds no CreatePresignedNotebookInstanceUrl (no session in any Jupyter) with notebookReadsJupyter: false, and tells the function', () => {
    // Prepare
    const off = synthesize({ ...config, notebookReadsJupyter: false });

    try {
      // Assess
      const actions = actionsOf(jobStatements(off.template, 'idle-notebooks').filter((statement) => statement.Effect === 'Allow'));
      expect(actions).not.toContain('sagemaker:CreatePresignedNotebookInstanceUrl');
      expect(actionsOf(jobStatements(synthesized.template, 'idle-notebooks').filter((statement) => statement.Effect === 'Allow'))).toContain(
        'sagemaker:CreatePresignedNotebookInstanceUrl',
      );
      off.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'idle-notebooks', NOTEBOOK_READ_JUPYTER: 'false' }) },
      });
    } finally {
      off.cleanup();
    }
  });

  it('checks notebooks every 15 minutes and audits Studio daily, in the configured zone', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0/15 * * * ? *)',
      Target: Match.objectLike({ Input: '{"action":"idle-check"}' }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 9 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Target: Match.objectLike({ Input: '{"action":"studio-audit"}' }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'idle-notebooks', NOTEBOOK_IDLE_MINUTES: '90' }) },
    });
  });

  it('schedules the off-hours stop and morning start only when configured', () => {
    // Prepare
    const plain = synthesize(config);

    try {
      // Assess
      synthesized.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 19 ? * MON-FRI *)',
        Target: Match.objectLike({ Input: '{"action":"off-hours-stop"}' }),
      });
      synthesized.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(45 7 ? * MON-FRI *)',
        Target: Match.objectLike({ Input: '{"action":"morning-start"}' }),
      });
      const inputs = Object.values(plain.template.findResources('AWS::Scheduler::Schedule')).map(
        (schedule) => (schedule as { Properties: { Target: { Input: string } } }).Properties.Target.Input,
      );
      expect(inputs).not.toContain('{"action":"off-hours-stop"}');
      expect(inputs).not.toContain('{"action":"morning-start"}');
      expect(inputs).toContain('{"action":"idle-check"}');
      const allowed = jobStatements(plain.template, 'idle-notebooks').filter((statement) => statement.Effect === 'Allow');
      expect(actionsOf(allowed)).not.toContain('sagemaker:StartNotebookInstance');
    } finally {
      plain.cleanup();
    }
  });

  it('denies stopping, starting, deleting apps and writing tags on anything tagged ops-bot:skip', () => {
    // Prepare
    const statements = jobStatements(synthesized.template, 'idle-notebooks');
    const deny = statements.filter((statement) => statement.Effect === 'Deny');

    // Assess
    expect(deny).toEqual([
      {
        Sid: 'NeverTouchSkipped',
        Effect: 'Deny',
        Action: [
          'sagemaker:StopNotebookInstance',
          'sagemaker:StartNotebookInstance',
          'sagemaker:CreatePresignedNotebookInstanceUrl',
          'sagemaker:DeleteApp',
          'sagemaker:UpdateDomain',
          'sagemaker:StopMlflowTrackingServer',
          'sagemaker:StartMlflowTrackingServer',
          'sagemaker:AddTags',
          'sagemaker:DeleteTags',
        ],
        Resource: '*',
        Condition: { StringEqualsIgnoreCase: { 'aws:ResourceTag/ops-bot:skip': 'true' } },
      },
    ]);
  });

  it('stops and tags only notebook instances, and writes only its own tag keys', () => {
    // Prepare
    const statements = jobStatements(synthesized.template, 'idle-notebooks');
    const stop = statements.find((statement) => statement.Sid === 'ReadAndStopNotebooks');
    const mark = statements.find((statement) => statement.Sid === 'MarkNotebooks');

    // Assess
    expect(JSON.stringify(stop?.Resource)).toMatch(/:notebook-instance\/\*/);
    expect(JSON.stringify(stop?.Resource)).not.toMatch(/endpoint|inference-component/);
    expect(mark?.Condition).toEqual({
      'ForAllValues:StringLike': { 'aws:TagKeys': ['ops-bot:last-action', 'ops-bot:off-hours-stopped', 'ops-bot:state', 'ops-bot:state-mac', 'ops-bot:gen:*'] },
    });
    expect(actionsOf(statements).filter((action) => action.startsWith('sagemaker:'))).toEqual([
      'sagemaker:AddTags',
      'sagemaker:CreatePresignedNotebookInstanceUrl',
      'sagemaker:DeleteApp',
      'sagemaker:DeleteTags',
      'sagemaker:DescribeDomain',
      'sagemaker:DescribeMlflowTrackingServer',
      'sagemaker:DescribeSpace',
      'sagemaker:DescribeUserProfile',
      'sagemaker:ListApps',
      'sagemaker:ListDomains',
      'sagemaker:ListMlflowTrackingServers',
      'sagemaker:ListNotebookInstances',
      'sagemaker:ListSpaces',
      'sagemaker:ListTags',
      'sagemaker:ListUserProfiles',
      'sagemaker:StartMlflowTrackingServer',
      'sagemaker:StartNotebookInstance',
      'sagemaker:StopMlflowTrackingServer',
      'sagemaker:StopNotebookInstance',
      'sagemaker:UpdateDomain',
    ]);
    // DeleteApp is allowed on Canvas apps only (logging an idle user out), never on JupyterLab or Code Editor apps.
    const deleteApp = statements.filter((statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes('sagemaker:DeleteApp'));
    expect(deleteApp.map((statement) => statement.Sid)).toEqual(['LogOutIdleCanvas']);
    expect(JSON.stringify(deleteApp[0]?.Resource)).toMatch(/:app\/\*\/\*\/canvas\/\*/);
    // Tracking servers are stopped and started with off hours only, and only tracking servers.
    const servers = statements.find((statement) => statement.Sid === 'TrackingServersOffHours');
    expect(JSON.stringify(servers?.Resource)).toMatch(/:mlflow-tracking-server\/\*/);
  });
});

describe('Stack: savings-report job, dashboard and chat delivery', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({
      ...config,
      schedules: { savingsReport: { hour: 8, minute: 0 } },
      chat: { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } },
    });
  });
  afterAll(() => synthesized.cleanup());

  it('runs the savings report on the 1st of each month at 08:00 in the configured zone, read-only', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 1 * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      Description: 'Monthly savings report',
    });
    const actions = actionsOf(jobStatements(synthesized.template, 'savings-report').filter((statement) => statement.Effect === 'Allow'));
    // Its reads, its log group, its report topic, its own dead-letter queue (failed runs).
    expect(actions).toEqual([
      'ce:GetCostAndUsage',
      // The ledger and the stops the other jobs recorded in the state table: it reads them, and writes no item.
      'dynamodb:GetItem',
      'dynamodb:Query',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'pricing:GetProducts',
      'sagemaker:ListNotebookInstances',
      'sns:Publish',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it("shows what was saved beside what was spent, from every action's Savings", () => {
    // Prepare
    const dashboard = Object.values(synthesized.template.findResources('AWS::CloudWatch::Dashboard'))[0] as {
      Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
    };
    const body = JSON.parse(dashboard.Properties.DashboardBody['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'x')).join('')) as {
      widgets: Array<{ type: string; properties: { title: string; metrics?: unknown[][] } }>;
    };

    // Assess
    const single = body.widgets.filter((widget) => widget.type === 'metric' && /^(Spent|Saved)/.test(widget.properties.title));
    expect(single.map((widget) => widget.properties.title)).toEqual([
      'Spent (USD, cost-report, over the time range)',
      'Saved by the bot (USD, over the time range)',
    ]);
    const saved = JSON.stringify(single[1]?.properties.metrics);
    expect(saved).toContain('SUM([FILL(s0, 0), FILL(s1, 0), FILL(s2, 0), FILL(s3, 0), FILL(s4, 0), FILL(s5, 0), FILL(s6, 0), FILL(s7, 0)])');
    for (const action of ['weekend-scale-down', 'idle-notebook-stop', 'off-hours-stop', 'idle-delete', 'idle-scale-to-zero', 'after-alert'])
      expect(saved).toContain(`"${action}"`);
  });

  it('subscribes a Slack channel to the report topic, notifications only, and stays clean under cdk-nag', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('ReportTopic') }],
      GuardrailPolicies: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::aws:policy/CloudWatchReadOnlyAccess'])]) })],
    });
    const roles = synthesized.template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'chatbot.amazonaws.com' } })] } },
    });
    expect(Object.values(roles).map((role) => (role as { Properties: Record<string, unknown> }).Properties.Policies ?? [])).toEqual([[]]);
    expect(synthesized.validationViolations).toEqual([]);
  });

  it('can deliver to a Microsoft Teams channel instead', () => {
    // Prepare
    const teams = synthesize({
      ...config,
      chat: {
        teams: { teamId: '11111111-2222-3333-4444-555555555555', channelId: '19%3Aabc%40thread.tacv2', tenantId: '66666666-7777-8888-9999-000000000000' },
      },
    });

    try {
      // Assess
      teams.template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
        TeamId: '11111111-2222-3333-4444-555555555555',
        TeamsChannelId: '19%3Aabc%40thread.tacv2',
        SnsTopicArns: [{ Ref: Match.stringLikeRegexp('ReportTopic') }],
      });
      expect(teams.validationViolations).toEqual([]);
    } finally {
      teams.cleanup();
    }
  });
});

describe('Plugin: cdk-nag in this app', () => {
  it('fails synthesis on an unacknowledged finding, so a clean synth means something', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'ops-bot-nag-'));
    const app = new App({ outdir });
    new sqs.Queue(new Stack(app, 'Careless'), 'PlainQueue');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // Act & Assess
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
