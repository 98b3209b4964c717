/**
 * What each job's role may change, read from the synthesized template itself (not from what the
 * code meant to grant): `cdk synth` prints one line per job, report-only or acting, with every write
 * action its role holds and whether it opens notebooks' Jupyter. An admin reads it before deploying.
 */
import { isWriteAction } from './write-actions.ts';

interface CfnStatement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
}
interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

/** The bot's own table: writes to it are the bot's memory, named apart from writes to SageMaker. */
const STATE_WRITE = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;
const PRESIGN = 'sagemaker:CreatePresignedNotebookInstanceUrl';

function allowedActions(statements: readonly CfnStatement[]): string[] {
  return statements.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => [statement.Action ?? []].flat());
}

function statementsOf(document: unknown): CfnStatement[] {
  return ((document as { Statement?: CfnStatement[] } | undefined)?.Statement ?? []).slice();
}

/** Every action a role is allowed: its inline policies and every AWS::IAM::Policy attached to it. */
function roleActions(template: CfnTemplate, roleId: string): string[] {
  const role = template.Resources[roleId];
  const inline = ((role?.Properties?.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).flatMap((policy) =>
    statementsOf(policy.PolicyDocument),
  );
  const attached = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((resource) => ((resource.Properties?.Roles as Array<{ Ref?: string }> | undefined) ?? []).some((ref) => ref.Ref === roleId))
    .flatMap((resource) => statementsOf(resource.Properties?.PolicyDocument));
  return allowedActions([...inline, ...attached]);
}

function jobLine(job: string, reportOnly: boolean, actions: readonly string[]): string {
  const writes = [...new Set(actions.filter(isWriteAction))].sort();
  const stateWrites = actions.some((action) => STATE_WRITE.test(action));
  const parts = [`${job}: ${reportOnly ? 'report-only' : 'acting'}`];
  parts.push(writes.length > 0 ? `may change: ${writes.join(', ')}` : 'holds no write action on your resources');
  if (stateWrites) parts.push("writes the bot's state table");
  if (actions.includes(PRESIGN))
    parts.push(`holds ${PRESIGN} (a session in each notebook's Jupyter, to read idleness from Jupyter's own activity; "notebookReadsJupyter": false drops it)`);
  return parts.join('; ');
}

/** One line per job function in the template, in the template's order. */
function jobPermissionLines(template: CfnTemplate): string[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .flatMap((resource) => {
      const variables = (resource.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
      const job = variables.POWERTOOLS_SERVICE_NAME;
      const roleId = (resource.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
      if (!job || !roleId) return [];
      return [jobLine(job, variables.REPORT_ONLY === 'true', roleActions(template, roleId))];
    });
}

export { jobPermissionLines };
export type { CfnTemplate };
