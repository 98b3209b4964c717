/** The idle-notebooks job: the 15-minute idle check, the daily Studio audit, and optional off hours. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { TAGS } from '@ops-bot/shared/domain/tags';
import { NOTEBOOK_STATE, slotTagKeyPatterns } from '@ops-bot/shared/aws/bot-state';
import { ScheduledFunction, type JobSchedule } from '../scheduled-function.ts';
import { isReportOnly, jobEnvironment, readsJupyter, type DeployConfig } from '../deploy-config.ts';
import { commonProps, readPriceList, sageMakerArns, type JobContext } from './job-context.ts';

function notebookSchedules(config: DeployConfig): JobSchedule[] {
  const audit = config.schedules.studioAudit;
  const offHours = config.notebookOffHours;
  const schedules: JobSchedule[] = [
    { id: 'IdleCheck', description: 'Idle notebook check', cron: { minute: '0/15', hour: '*' }, input: { action: 'idle-check' } },
    {
      id: 'StudioAudit',
      description: 'Daily notebook and Studio audit',
      cron: { minute: String(audit.minute), hour: String(audit.hour) },
      input: { action: 'studio-audit' },
    },
  ];
  if (!offHours) return schedules;
  const at = (time: { hour: number; minute: number }) => ({ minute: String(time.minute), hour: String(time.hour), weekDay: offHours.weekDays });
  return [
    ...schedules,
    { id: 'OffHoursStop', description: 'Off-hours notebook stop', cron: at(offHours.stop), input: { action: 'off-hours-stop' } },
    { id: 'MorningStart', description: 'Morning start of notebooks stopped for off hours', cron: at(offHours.start), input: { action: 'morning-start' } },
  ];
}

class IdleNotebooksJob extends ScheduledFunction {
  constructor(scope: Construct, id: string, context: JobContext) {
    const { config, regions } = context;
    const notebooks = sageMakerArns(scope, regions, 'notebook-instance');
    const studio = [
      ...sageMakerArns(scope, regions, 'domain'),
      ...sageMakerArns(scope, regions, 'user-profile', '*/*'),
      ...sageMakerArns(scope, regions, 'space', '*/*'),
    ];
    const offHours = config.notebookOffHours !== undefined;
    // Canvas apps only (`app/<domain>/<user profile>/canvas/<name>`): the one kind of app the bot logs out.
    const canvasApps = sageMakerArns(scope, regions, 'app', '*/*/canvas/*');
    const trackingServers = sageMakerArns(scope, regions, 'mlflow-tracking-server');
    super(scope, id, {
      ...commonProps(context),
      jobName: 'idle-notebooks',
      reportOnly: isReportOnly(config, 'idle-notebooks'),
      description: 'Stops idle SageMaker notebook instances (idleness read from Jupyter) and audits Studio apps',
      environment: jobEnvironment(config, 'idle-notebooks'),
      timeout: Duration.minutes(5),
      schedules: notebookSchedules(config),
      policyStatements: [
        readPriceList(),
        new iam.PolicyStatement({
          sid: 'ListNotebooksAndStudio',
          actions: [
            'sagemaker:ListNotebookInstances',
            'sagemaker:ListApps',
            'sagemaker:ListDomains',
            'sagemaker:ListUserProfiles',
            'sagemaker:ListSpaces',
            'sagemaker:ListMlflowTrackingServers',
            'tag:GetResources',
            // Canvas's own activity metric (TimeSinceLastActive): GetMetricData has no resource-level permissions.
            'cloudwatch:GetMetricData',
          ],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'LogOutIdleCanvas',
          actions: ['sagemaker:DeleteApp'],
          resources: canvasApps,
        }),
        new iam.PolicyStatement({
          sid: 'ReadTrackingServers',
          actions: ['sagemaker:DescribeMlflowTrackingServer', 'sagemaker:ListTags'],
          resources: trackingServers,
        }),
        new iam.PolicyStatement({
          sid: 'TurnOnStudioIdleShutdown',
          // Only in domains tagged ops-bot:idle-shutdown = true (checked in code, denied on ops-bot:skip): their defaults' idle settings.
          actions: ['sagemaker:UpdateDomain'],
          resources: sageMakerArns(scope, regions, 'domain'),
        }),
        ...(offHours
          ? [
              new iam.PolicyStatement({
                sid: 'TrackingServersOffHours',
                actions: ['sagemaker:StopMlflowTrackingServer', 'sagemaker:StartMlflowTrackingServer'],
                resources: trackingServers,
              }),
            ]
          : []),
        new iam.PolicyStatement({
          sid: 'ReadAndStopNotebooks',
          actions: [
            'sagemaker:ListTags',
            // A session in each notebook's Jupyter: how idleness is read (notebookReadsJupyter; off by default when report-only).
            ...(readsJupyter(config) ? ['sagemaker:CreatePresignedNotebookInstanceUrl'] : []),
            'sagemaker:StopNotebookInstance',
            ...(offHours ? ['sagemaker:StartNotebookInstance'] : []),
          ],
          resources: notebooks,
        }),
        new iam.PolicyStatement({
          sid: 'MarkNotebooks',
          // The signed state replaces its whole slot, so it may remove a key it no longer holds.
          actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
          resources: notebooks,
          conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': slotTagKeyPatterns(NOTEBOOK_STATE) } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadStudioSettings',
          // ListTags: the live opt-in and skip tags of a user profile and its domain, read before a logout.
          actions: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace', 'sagemaker:ListTags'],
          resources: studio,
        }),
        // Defence in depth: whatever a bug might ask for, a skipped resource cannot be changed.
        new iam.PolicyStatement({
          sid: 'NeverTouchSkipped',
          effect: iam.Effect.DENY,
          actions: [
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
          resources: ['*'],
          conditions: { StringEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.skip}`]: 'true' } },
        }),
      ],
      wildcards: [
        {
          resources: '*',
          reason:
            'The sagemaker:List* actions, tag:GetResources (finding skip-tagged notebooks and opted-in Studio resources), cloudwatch:GetMetricData (Canvas activity) and pricing:GetProducts (the Price List) support no resource-level permissions; all are read-only, and the explicit deny on ops-bot:skip covers every resource.',
        },
        {
          resources: [...notebooks, ...studio, ...canvasApps, ...trackingServers],
          reason:
            'The job checks every notebook, Studio entity and tracking server in the account; it deletes Canvas apps only (logging an idle user out) and stops and starts tracking servers only with off hours; every write is denied on ops-bot:skip.',
        },
      ],
    });
  }
}

export { IdleNotebooksJob };
