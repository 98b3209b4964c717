/**
 * What a report-only job may not hold: every action that changes a resource. Reads, sns:Publish,
 * KMS MAC checks and writing its own logs and metrics stay. CreatePresignedNotebookInstanceUrl is a
 * read of Jupyter (it changes nothing), so it stays.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

const WRITE_ACTION =
  /^(sagemaker:(Create(?!PresignedNotebookInstanceUrl)|Delete|Update|Stop|Start|AddTags|Put)|application-autoscaling:(Register|Deregister|Put|Delete)|scheduler:(Create|Update|Delete)|iam:PassRole|kms:GenerateMac$)/;

function isWriteAction(action: string): boolean {
  return WRITE_ACTION.test(action);
}

/** The statements with their write actions taken out (a statement left with none goes); denies stay as they are. */
function withoutWrites(statements: readonly iam.PolicyStatement[]): iam.PolicyStatement[] {
  return statements.flatMap((statement) => {
    if (statement.effect === iam.Effect.DENY) return [statement];
    const reads = statement.actions.filter((action) => !isWriteAction(action));
    if (reads.length === statement.actions.length) return [statement];
    if (reads.length === 0) return [];
    const json = statement.toStatementJson() as { Condition?: Record<string, Record<string, unknown>> };
    return [new iam.PolicyStatement({ sid: statement.sid, actions: reads, resources: statement.resources, conditions: json.Condition })];
  });
}

export { isWriteAction, withoutWrites };
