/**
 * The bot's state table (STATE_TABLE): everything the bot acts on or counts, its journal and its
 * ledger, where resource owners cannot write. Its key schema is part of the public contract:
 * partition key `pk` (String), sort key `sk` (String), no secondary index, TTL on `expiresAt`.
 * Only the bot's own writing roles may write items: their policies allow it, and the table's
 * resource-based policy denies item writes to every other principal, administrators included (an
 * administrator can still change the policy; that trail is in CloudTrail).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { STATE_TABLE_SCHEMA } from '@ops-bot/shared/aws/state-table';

/** Every DynamoDB action that writes an item (DynamoDB API Reference; PartiQL writes included). */
const ITEM_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];
/** What the jobs call: one Query per record family and run, conditional Put and Delete. */
const JOB_READS = ['dynamodb:Query', 'dynamodb:GetItem'];
const JOB_WRITES = ['dynamodb:PutItem', 'dynamodb:DeleteItem'];

class StateTable extends Construct {
  readonly table: dynamodb.Table;
  private readonly writers: iam.IRole[] = [];
  /** Filled by sealWrites once every job is granted; CloudFormation gets it as the table's ResourcePolicy. */
  private readonly resourcePolicy = new iam.PolicyDocument();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: STATE_TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: STATE_TABLE_SCHEMA.timeToLive,
      // Components held at 0 and deleted endpoints are undone from this table: it outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      resourcePolicy: this.resourcePolicy,
    });
  }

  /** The role reads the table; with `write`, it may also put and delete items (and is named in the resource policy). */
  grantJob(role: iam.IRole, access: 'read' | 'write'): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: access === 'write' ? 'StateTableReadWrite' : 'StateTableRead',
        actions: access === 'write' ? [...JOB_READS, ...JOB_WRITES] : JOB_READS,
        resources: [this.table.tableArn],
      }),
    );
    if (access === 'write') this.writers.push(role);
  }

  /**
   * Sets the resource policy once every job has been granted: item writes are denied to every
   * principal but the writing roles. (The policy names the table as `*`: a table's own policy cannot
   * reference its ARN, which would be a circular dependency.)
   */
  sealWrites(): void {
    this.resourcePolicy.addStatements(
      new iam.PolicyStatement({
        sid: 'OnlyTheBotWritesItems',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ITEM_WRITES,
        resources: ['*'],
        // With no writing job (every job report-only), no principal may write.
        ...(this.writers.length > 0 ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.writers.map((role) => role.roleArn) } } } : {}),
      }),
    );
  }
}

export { StateTable, ITEM_WRITES };
