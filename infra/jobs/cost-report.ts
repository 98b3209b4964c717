/** The cost-report job: daily, read-only over endpoints, components and their metrics. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ScheduledFunction } from '../scheduled-function.ts';
import { isReportOnly, jobEnvironment } from '../deploy-config.ts';
import { commonProps, endpointArns, readPriceList, sageMakerArns, type JobContext } from './job-context.ts';

class CostReportJob extends ScheduledFunction {
  constructor(scope: Construct, id: string, context: JobContext) {
    const { config } = context;
    const endpoints = endpointArns(scope, context.regions);
    const components = sageMakerArns(scope, context.regions, 'inference-component');
    const at = config.schedules.costReport;
    super(scope, id, {
      ...commonProps(context),
      jobName: 'cost-report',
      reportOnly: isReportOnly(config, 'cost-report'),
      description: 'Attributes SageMaker endpoint cost to models, with the unallocated capacity',
      environment: jobEnvironment(config, 'cost-report'),
      timeout: Duration.minutes(10),
      schedules: [{ id: 'Daily', description: 'Daily per-model cost report', cron: { minute: String(at.minute), hour: String(at.hour) }, input: {} }],
      policyStatements: [
        readPriceList(),
        new iam.PolicyStatement({
          sid: 'ListSageMaker',
          // Notebook instances and Studio apps: what of the bill besides hosting the report explains (one list each, per region).
          actions: ['sagemaker:ListEndpoints', 'sagemaker:ListInferenceComponents', 'sagemaker:ListNotebookInstances', 'sagemaker:ListApps'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DescribeEndpoints',
          actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
          resources: endpoints,
        }),
        new iam.PolicyStatement({ sid: 'DescribeComponents', actions: ['sagemaker:DescribeInferenceComponent'], resources: components }),
        new iam.PolicyStatement({ sid: 'ReadMetrics', actions: ['cloudwatch:ListMetrics', 'cloudwatch:GetMetricData'], resources: ['*'] }),
        // The bill check: one GetCostAndUsage a day (plus pages), $0.01 each.
        new iam.PolicyStatement({ sid: 'ReadTheBill', actions: ['ce:GetCostAndUsage'], resources: ['*'] }),
      ],
      wildcards: [
        {
          resources: '*',
          reason:
            'sagemaker:List*, cloudwatch:ListMetrics/GetMetricData, ce:GetCostAndUsage and pricing:GetProducts (the Price List) support no resource-level permissions; all are read-only.',
        },
        { resources: [...endpoints, ...components], reason: 'The report covers every endpoint and component in the account, read-only.' },
      ],
    });
  }
}

export { CostReportJob };
