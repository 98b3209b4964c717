/** The savings-report job: on the 1st of each month, read-only over the state table's ledger, the notebooks and the bill. */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ScheduledFunction } from '../scheduled-function.ts';
import { isReportOnly, jobEnvironment } from '../deploy-config.ts';
import { commonProps, readPriceList, type JobContext } from './job-context.ts';

class SavingsReportJob extends ScheduledFunction {
  constructor(scope: Construct, id: string, context: JobContext) {
    const { config } = context;
    const at = config.schedules.savingsReport;
    super(scope, id, {
      ...commonProps(context),
      jobName: 'savings-report',
      reportOnly: isReportOnly(config, 'savings-report'),
      description: 'Reports what the SageMaker ops bot saved last month',
      environment: jobEnvironment(config, 'savings-report'),
      timeout: Duration.minutes(5),
      schedules: [{ id: 'Monthly', description: 'Monthly savings report', cron: { minute: String(at.minute), hour: String(at.hour), day: '1' }, input: {} }],
      policyStatements: [
        readPriceList(),
        new iam.PolicyStatement({ sid: 'ListNotebooks', actions: ['sagemaker:ListNotebookInstances'], resources: ['*'] }),
        // The month's SageMaker bill: one GetCostAndUsage (plus pages), $0.01 each.
        new iam.PolicyStatement({ sid: 'ReadTheBill', actions: ['ce:GetCostAndUsage'], resources: ['*'] }),
      ],
      wildcards: [
        {
          resources: '*',
          reason:
            'sagemaker:ListNotebookInstances, ce:GetCostAndUsage and pricing:GetProducts (the Price List) support no resource-level permissions; all are read-only.',
        },
      ],
    });
  }
}

export { SavingsReportJob };
