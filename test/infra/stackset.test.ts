/**
 * The organization path: one service-managed StackSet targeting OUs, whose member template is the
 * same bot, with its Lambda code in per-region asset buckets; and reports to a central topic.
 */
import { JOB_NAMES } from '@ops-bot/shared/config';
import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeStackSets } from '../support/cdk.ts';
import { jobPermissionLines } from '../../infra/job-permissions.ts';

const config = JSON.parse(readFileSync('ops-bot.stacksets.example.json', 'utf8')) as Record<string, unknown>;

describe('Stack: StackSets across an organization', () => {
  let synthesized: ReturnType<typeof synthesizeStackSets>;
  let parent: Template;
  let member: ReturnType<typeof synthesizeStackSets>['member'];
  let violations: unknown[] = [];
  beforeAll(() => {
    synthesized = synthesizeStackSets(config);
    ({ parent, member, violations } = synthesized);
  });
  afterAll(() => synthesized.cleanup());

  it('deploys one service-managed StackSet to the OUs and regions, following accounts that join', () => {
    parent.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdefgh34'] }, Regions: ['us-east-1', 'eu-west-1'] }],
    });
  });

  it("puts the whole bot in each member stack, its code read from the bucket of the stack's own region", () => {
    const functions = Object.values(member).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(JOB_NAMES.length);
    for (const fn of functions) {
      expect((fn.Properties.Code as { S3Bucket: unknown }).S3Bucket).toEqual({ 'Fn::Join': ['-', ['example-ops-bot-assets', { Ref: 'AWS::Region' }]] });
    }
    expect(Object.values(member).filter((resource) => resource.Type === 'AWS::SNS::Topic')).toHaveLength(1);
  });

  it('lets each member publish its reports to the central topic too', () => {
    const functions = Object.values(member).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    for (const fn of functions) {
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.CENTRAL_TOPIC_ARN).toBe(
        'arn:aws:sns:us-east-1:999988887777:org-sagemaker-ops-bot',
      );
    }
    const statements = Object.values(member)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Array<{ Sid?: string; Resource: unknown }> }).Statement);
    const central = statements.filter((statement) => statement.Sid === 'PublishToCentralTopic');
    expect(central).toHaveLength(JOB_NAMES.length);
    expect(central.every((statement) => statement.Resource === 'arn:aws:sns:us-east-1:999988887777:org-sagemaker-ops-bot')).toBe(true);
  });

  it('makes every member of the example report-only: REPORT_ONLY=true, no write action and no Jupyter session in any role', () => {
    const functions = Object.values(member).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.map((fn) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.REPORT_ONLY)).toEqual(
      JOB_NAMES.map(() => 'true'),
    );
    expect(jobPermissionLines({ Resources: member })).toEqual(JOB_NAMES.map((job) => `${job}: report-only; holds no write action on your resources`));
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    expect(violations).toEqual([]);
  });
});
