import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from '../support/cdk.ts';

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

  it('encrypts the report topic with a rotating KMS key and refuses plain HTTP', () => {
    // Assess
    const { template } = synthesized;
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
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

  it('alarms to the topic on function errors and on dead letters', () => {
    const alarms = synthesized.template.findResources('AWS::CloudWatch::Alarm');
    const metrics = Object.values(alarms).map((alarm) => (alarm as { Properties: { MetricName: string } }).Properties.MetricName);
    expect(metrics.sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'Errors']);
    for (const alarm of Object.values(alarms)) {
      expect((alarm as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/ReportTopic/) }]);
    }
  });

  it('gives the job read-only SageMaker and CloudWatch access and publish on its own topic only', () => {
    // Prepare
    const roles = synthesized.template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
    });
    const policies = synthesized.template.findResources('AWS::IAM::Policy');
    const statements = [
      ...Object.values(roles).flatMap((role) => (role as { Properties: { Policies: Array<{ PolicyDocument: { Statement: unknown[] } }> } }).Properties.Policies.flatMap((p) => p.PolicyDocument.Statement)),
      ...Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement),
    ] as Array<{ Action: string | string[] }>;
    const actions = new Set(statements.flatMap((statement) => [statement.Action].flat()));

    // Assess
    const sageMakerActions = [...actions].filter((action) => action.startsWith('sagemaker:')).sort();
    expect(sageMakerActions).toEqual(['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents']);
    expect(actions.has('sns:Publish')).toBe(true);
    expect([...actions].some((action) => action.endsWith(':*') || action === '*')).toBe(false);
  });

  it('keeps logs for the configured retention', () => {
    synthesized.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
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
