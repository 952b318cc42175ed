// The single-table layout as data: the CDK stateful stack and the local stack both create the table from it.
export interface IndexDesign {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** What the index is for; shown in the README's access-pattern table. */
  readonly purpose: string;
}

export const tableDesign = {
  partitionKey: 'PK',
  sortKey: 'SK',
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    {
      name: 'GSI1',
      partitionKey: 'GSI1PK',
      sortKey: 'GSI1SK',
      purpose: 'member look-up by name prefix',
    },
    {
      name: 'GSI2',
      partitionKey: 'GSI2PK',
      sortKey: 'GSI2SK',
      purpose: 'date audiences: birthday and anniversary by MM-DD and time-zone bucket',
    },
    {
      name: 'GSI3',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      purpose: 'due touchpoints by kind and time; every member in 10 shards (monthly RFM scoring)',
    },
    {
      name: 'GSI4',
      partitionKey: 'GSI4PK',
      sortKey: 'GSI4SK',
      purpose: 'members due for tier review, 10 shards by review time (sparse: base-tier members carry none)',
    },
  ] satisfies readonly IndexDesign[],
} as const;
