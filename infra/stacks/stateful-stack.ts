// What holds data and must outlive any deployment: the table, its customer-managed key and the `loyalty` bus.
// Logical ids are pinned (tests/infra) so a refactor can never replace the table.
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption, type CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { Key, type CfnKey } from 'aws-cdk-lib/aws-kms';
import { EventBus, type CfnEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { tableDesign } from '../table-design.ts';
import { EVENT_BUS_NAME } from '../topology.ts';

export const STATEFUL_LOGICAL_IDS = { key: 'DataKey', table: 'LoyaltyTable', bus: 'LoyaltyBus' } as const;

export class StatefulStack extends Stack {
  readonly key: Key;
  readonly table: Table;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: StackProps & { readonly busName?: string } = {}) {
    super(scope, id, props);

    this.key = new Key(this, 'DataKey', {
      description: 'dangol: encrypts member data at rest (DynamoDB)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.key.node.defaultChild as CfnKey).overrideLogicalId(STATEFUL_LOGICAL_IDS.key);

    this.table = new Table(this, 'LoyaltyTable', {
      partitionKey: { name: tableDesign.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDesign.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDesign.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(STATEFUL_LOGICAL_IDS.table);

    // The bus name is the one physical name: producers in other systems address it (one per stage in AWS).
    this.bus = new EventBus(this, 'LoyaltyBus', { eventBusName: props.busName ?? EVENT_BUS_NAME });
    (this.bus.node.defaultChild as CfnEventBus).overrideLogicalId(STATEFUL_LOGICAL_IDS.bus);

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }
}
