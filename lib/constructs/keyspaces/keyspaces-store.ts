import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cassandra from 'aws-cdk-lib/aws-cassandra';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CASSANDRA_SINK_NAME } from '../../../lambdas/processor/sinks/cassandra/name.js';
import {
  DEFAULT_KEYSPACE,
  dayTableReadsJson,
  keyspaceTables,
  type SignupDayLayout,
  signupDayEnvironment,
  type TableDefinition,
  toKeyspacesTableSchemaDefinition,
} from '../../../lambdas/shared/schema/cassandra/index.js';
import type { Client, ServiceAccess, SinkAccess } from '../shared/access.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { stackArn } from '../shared/pipeline-function.js';

/** The Airflow Variable with the day table the DAGs read (mwaa-dags: pipeline_dags/settings.py). */
export const SIGNUP_DAY_TABLE_VARIABLE = 'signup_day_table';

/** Port of the Amazon Keyspaces CQL endpoint (TLS). */
export const KEYSPACES_PORT = 9142;

/** Props of {@link KeyspacesStore}. */
export interface KeyspacesStoreProps {
  /** Keyspace name. @default 'pipeline' (DEFAULT_KEYSPACE of the schema definition) */
  readonly keyspaceName?: string;
  /**
   * The day tables (the stage's `signupDayTable`: bucket count, upgrade phase): which tables exist, what the
   * processor writes and what readers read.
   */
  readonly signupDay: SignupDayLayout;
  /**
   * Tables, from the single schema definition. @default keyspaceTables({ userRowsTtlSeconds, signupDay }): the
   * user tables and the tombstones
   */
  readonly tables?: readonly TableDefinition[];
  /**
   * Default TTL of the user tables (`default_time_to_live`; a positive value enables Keyspaces TTL on the
   * table, which cannot be turned off again); the tombstones never expire. @default 0 (no TTL)
   */
  readonly userRowsTtlSeconds?: number;
  /** Keep keyspace and tables when the stack deletes them. @default false */
  readonly retainOnDelete?: boolean;
  /**
   * CQL connections a client opens to each Keyspaces host (≤ 3,000 requests/s each; `npm run capacity`).
   * @default 1
   */
  readonly connectionsPerHost?: number;
}

/**
 * Amazon Keyspaces keyspace and tables generated from `lambdas/shared/schema/cassandra` (the same definition
 * local Cassandra gets its CQL from): on-demand capacity, point-in-time recovery, client-side timestamps (the
 * processor writes and deletes `USING TIMESTAMP`) and the stage's default TTL on the user tables.
 */
export class KeyspacesStore extends Construct {
  /** Keyspace name. */
  readonly keyspaceName: string;
  /** The tables by name. */
  readonly tables: ReadonlyMap<string, cassandra.CfnTable>;
  /** ARN of the keyspace (IAM resource for keyspace-level actions). */
  readonly keyspaceArn: string;
  /** Connections per host the clients it binds open. */
  readonly connectionsPerHost: number;
  /** The day tables' layout its clients are given. */
  readonly signupDay: SignupDayLayout;

  constructor(scope: Construct, id: string, props: KeyspacesStoreProps) {
    super(scope, id);
    this.keyspaceName = props.keyspaceName ?? DEFAULT_KEYSPACE;
    this.connectionsPerHost = props.connectionsPerHost ?? 1;
    this.signupDay = props.signupDay;
    const removalPolicy = props.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const keyspace = new cassandra.CfnKeyspace(this, 'Keyspace', {
      keyspaceName: this.keyspaceName,
      replicationSpecification: { replicationStrategy: 'SINGLE_REGION' },
    });
    keyspace.applyRemovalPolicy(removalPolicy);
    this.keyspaceArn = stackArn(this, 'cassandra', `/keyspace/${this.keyspaceName}/`);

    const tables = new Map<string, cassandra.CfnTable>();
    // The tables of the layout, from the single schema definition; a legacy table keeps its logical id, so a
    // stage that deployed it keeps it while it upgrades (docs/scaling.md).
    const definitions =
      props.tables ??
      keyspaceTables({ userRowsTtlSeconds: props.userRowsTtlSeconds ?? 0, signupDay: this.signupDay });
    for (const definition of definitions) {
      const table = new cassandra.CfnTable(this, `Table-${definition.name}`, {
        keyspaceName: this.keyspaceName,
        ...toKeyspacesTableSchemaDefinition(definition),
        billingMode: { mode: 'ON_DEMAND' },
        pointInTimeRecoveryEnabled: true,
        clientSideTimestampsEnabled: true,
        encryptionSpecification: { encryptionType: 'AWS_OWNED_KMS_KEY' },
      });
      table.node.addDependency(keyspace);
      table.applyRemovalPolicy(removalPolicy);
      tables.set(definition.name, table);
    }
    this.tables = tables;
  }

  /** Host of the Amazon Keyspaces endpoint in the stack's region (SigV4, TLS on {@link KEYSPACES_PORT}). */
  get endpointHost(): string {
    return `cassandra.${Stack.of(this).region}.amazonaws.com`;
  }

  /** ARN of one table. */
  tableArn(tableName: string): string {
    return stackArn(this, 'cassandra', `/keyspace/${this.keyspaceName}/table/${tableName}`);
  }

  /**
   * What the processor's `cassandra` sink needs: the Keyspaces endpoint of the stack's region (SigV4, TLS),
   * row writes, and the network-interface reads the driver makes through the VPC endpoint.
   */
  sinkAccess(): SinkAccess {
    return {
      name: CASSANDRA_SINK_NAME,
      environment: { ...this.clientEnvironment(), ...signupDayEnvironment(this.signupDay) },
      grant: (client) => {
        this.grantWrite(client);
        this.grantEndpointDiscovery(client);
      },
    };
  }

  /**
   * Read-only access (cassandra:Select on the keyspace's tables) over the same endpoint: the verification
   * function reads with it.
   */
  readerAccess(): ServiceAccess {
    return {
      environment: this.clientEnvironment(),
      grant: (client) => {
        this.grantRead(client);
        this.grantEndpointDiscovery(client);
      },
    };
  }

  /** The CASSANDRA_* environment of a client of this keyspace: the region's endpoint, SigV4, TLS. */
  private clientEnvironment(): Record<string, string> {
    return {
      CASSANDRA_AUTH: 'sigv4',
      CASSANDRA_CONTACT_POINTS: this.endpointHost,
      CASSANDRA_PORT: String(KEYSPACES_PORT),
      CASSANDRA_TLS: 'true',
      CASSANDRA_KEYSPACE: this.keyspaceName,
      CASSANDRA_CONSISTENCY: 'LOCAL_QUORUM',
      CASSANDRA_CONNECTIONS_PER_HOST: String(this.connectionsPerHost),
    };
  }

  /** Through the VPC endpoint, Keyspaces fills system.peers from the endpoint's network interfaces. */
  private grantEndpointDiscovery(client: Client): void {
    iam.Grant.addToPrincipal({
      grantee: client,
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints'],
      resourceArns: ['*'],
    });
  }

  /**
   * The Airflow Variable `signup_day_table` the DAGs read the day table by: its name and the buckets to read
   * (null for the legacy table, which has none), as JSON.
   */
  dayTableVariable(): string {
    return dayTableReadsJson(this.signupDay);
  }

  /** Row writes (and the reads the driver needs for metadata) on every table of the keyspace. */
  grantWrite(grantee: iam.IGrantable): void {
    this.grant(grantee, ['cassandra:Select', 'cassandra:Modify']);
  }

  /** Reads on every table of the keyspace. */
  grantRead(grantee: iam.IGrantable): void {
    this.grant(grantee, ['cassandra:Select']);
  }

  private grant(grantee: iam.IGrantable, actions: string[]): void {
    const principal = grantee.grantPrincipal;
    if (principal instanceof iam.Role) {
      acknowledgeIamFindings(
        principal,
        'AwsSolutions-IAM5',
        [/:cassandra:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\d+):\/keyspace\/system\*$/],
        'The Cassandra driver reads the system keyspaces (system, system_schema, system.peers...) on connect; ' +
          'Select only, no data of other keyspaces.',
      );
    }
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [
        this.keyspaceArn,
        ...[...this.tables.keys()].map((name) => this.tableArn(name)),
        // The driver reads system tables (peers, schema) when it connects.
        stackArn(this, 'cassandra', '/keyspace/system*'),
      ],
    });
  }
}
