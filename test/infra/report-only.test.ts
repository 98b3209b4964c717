/**
 * Report-only deployments: the functions that only report get REPORT_ONLY=true and roles with no
 * write action at all, checked over the synthesized template (and still clean under cdk-nag).
 */
import { JOB_NAMES } from '@ops-bot/shared/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeployConfig } from '../../infra/deploy-config.ts';
import { jobPermissionLines, type CfnTemplate } from '../../infra/job-permissions.ts';
import { actionsOf, jobStatements, synthesize, type Synthesized } from '../support/cdk.ts';

/** Any action that changes a resource, named independently of the stack's own list. */
const WRITE =
  /^(sagemaker:(CreateEndpoint|Delete|Update|Stop|Start|AddTags|DeleteTags)|application-autoscaling:(Register|Deregister|Put)|scheduler:Create|iam:PassRole|kms:GenerateMac)/;
/** A session in a notebook's Jupyter: not a write, but full access to what the notebook holds. */
const PRESIGN = 'sagemaker:CreatePresignedNotebookInstanceUrl';

const config = {
  timezone: 'Europe/Berlin',
  regions: ['us-east-1'],
  notebookOffHours: { stop: { hour: 19, minute: 0 }, start: { hour: 8, minute: 0 }, weekDays: 'MON-FRI' },
};

describe('Stack: report-only mode', () => {
  let everything: Synthesized;
  let some: Synthesized;
  beforeAll(() => {
    everything = synthesize({ ...config, reportOnly: true });
    some = synthesize({ ...config, reportOnly: ['weekend-scaling'] });
  });
  afterAll(() => {
    everything.cleanup();
    some.cleanup();
  });

  it('gives every function of a report-only deployment a role with no write action, and REPORT_ONLY=true', () => {
    for (const job of JOB_NAMES) {
      const allowed = actionsOf(jobStatements(everything.template, job).filter((statement) => statement.Effect === 'Allow'));
      expect({ job, writes: allowed.filter((action) => WRITE.test(action) || action === PRESIGN) }).toEqual({ job, writes: [] });
    }
    const functions = Object.values(everything.template.findResources('AWS::Lambda::Function')) as Array<{
      Properties: { Environment?: { Variables?: Record<string, unknown> } };
    }>;
    expect(functions.map((fn) => fn.Properties.Environment?.Variables?.REPORT_ONLY)).toEqual(JOB_NAMES.map(() => 'true'));
    expect(everything.validationViolations).toEqual([]);
  });

  it('keeps the reads a report needs: describes, metrics, tag search, MAC checks and the topic', () => {
    const allowed = actionsOf(jobStatements(everything.template, 'weekend-scaling').filter((statement) => statement.Effect === 'Allow'));
    expect(allowed).toEqual(
      expect.arrayContaining(['sagemaker:DescribeInferenceComponent', 'sagemaker:ListTags', 'tag:GetResources', 'kms:VerifyMac', 'sns:Publish']),
    );
  });

  it('drops the writes of the listed jobs only', () => {
    const weekend = actionsOf(jobStatements(some.template, 'weekend-scaling').filter((statement) => statement.Effect === 'Allow'));
    const notebooks = actionsOf(jobStatements(some.template, 'idle-notebooks').filter((statement) => statement.Effect === 'Allow'));
    expect(weekend.filter((action) => WRITE.test(action))).toEqual([]);
    expect(notebooks).toEqual(expect.arrayContaining(['sagemaker:StopNotebookInstance', 'sagemaker:AddTags']));
  });

  it("opens notebooks' Jupyter in a report-only deployment only when the admin says so", () => {
    const optedIn = synthesize({ ...config, reportOnly: true, notebookReadsJupyter: true });
    try {
      const allowed = actionsOf(jobStatements(optedIn.template, 'idle-notebooks').filter((statement) => statement.Effect === 'Allow'));
      expect(allowed).toContain(PRESIGN);
      expect(allowed.filter((action) => WRITE.test(action))).toEqual([]);
    } finally {
      optedIn.cleanup();
    }
  });

  it('prints one line per job from the template: its mode, every write action its role holds, and the Jupyter session', () => {
    const everyJob = jobPermissionLines(everything.template.toJSON() as CfnTemplate);
    const mixed = jobPermissionLines(some.template.toJSON() as CfnTemplate);

    expect(everyJob).toEqual(JOB_NAMES.map((job) => `${job}: report-only; holds no write action on your resources`));
    expect(mixed.find((line) => line.startsWith('weekend-scaling:'))).toBe('weekend-scaling: report-only; holds no write action on your resources');
    const notebooks = mixed.find((line) => line.startsWith('idle-notebooks:')) ?? '';
    expect(notebooks).toMatch(
      /^idle-notebooks: acting; may change: .*sagemaker:StartNotebookInstance, sagemaker:StopMlflowTrackingServer, sagemaker:StopNotebookInstance, sagemaker:UpdateDomain; writes the bot's state table/,
    );
    expect(notebooks).toContain(`holds ${PRESIGN} (a session in each notebook's Jupyter`);
  });

  it('refuses an unknown job name, naming the entry', () => {
    expect(() => parseDeployConfig({ reportOnly: ['weekend-scaling', 'nightly-cleanup'] })).toThrow(/reportOnly\[1\]/);
    expect(() => parseDeployConfig({ reportOnly: 'yes' })).toThrow(/reportOnly/);
  });
});
