import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { MIGRATIONS } from '../../../lambdas/shared/schema/postgres/index.js';
import type { Client, SinkAccess } from '../shared/access.js';
import { PipelineFunction, retentionDays, useProjectRuntime } from '../shared/pipeline-function.js';
import { migrationsHash } from './migrations-hash.js';

/** PostgreSQL major.minor the pipeline runs (the local mirror runs PostgreSQL 17 too). */
export const POSTGRES_ENGINE_VERSION = rds.PostgresEngineVersion.VER_17_9;

/** PostgreSQL logs exported to CloudWatch Logs. */
export const RDS_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/** PostgreSQL port of the instance and the proxy. */
export const POSTGRES_PORT = 5432;

/** Database the pipeline's tables live in (PGDATABASE). */
export const DATABASE_NAME = 'pipeline';

/** Master user; the Lambdas authenticate with the same secret through RDS Proxy. */
export const DATABASE_USER = 'pipeline_admin';

/** Props of {@link RelationalStore}. */
export interface RelationalStoreProps {
  /** VPC of the instance, the proxy and the migrations function. */
  readonly vpc: ec2.IVpc;
  /** Private subnets. */
  readonly subnets: ec2.SubnetSelection;
  /** Instance class without `db.`, e.g. `t4g.micro`. */
  readonly instanceType: string;
  /** Multi-AZ standby. */
  readonly multiAz: boolean;
  /** Initial storage, GiB. */
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling, GiB. */
  readonly maxAllocatedStorageGiB: number;
  /** Backup retention days. */
  readonly backupRetentionDays: number;
  /** Deletion protection; also makes the stack keep a snapshot when it deletes the instance. */
  readonly deletionProtection: boolean;
  /** Days the database and migrations logs are kept. */
  readonly logRetentionDays: number;
  /** DB instance identifier; also names the exported log groups. */
  readonly instanceIdentifier: string;
  /** Days between automatic password rotations. @default 30 */
  readonly rotationDays?: number;
}

/**
 * RDS for PostgreSQL 17: private, encrypted, credentials in Secrets Manager with single-user rotation, an
 * RDS Proxy (TLS required) for the Lambdas, and a custom resource that runs the schema migrations whenever
 * they change.
 */
export class RelationalStore extends Construct {
  /** The instance. */
  readonly instance: rds.DatabaseInstance;
  /** Master credentials (username, password, host, port, dbname). */
  readonly secret: rds.DatabaseSecret;
  /** The proxy the Lambdas connect to. */
  readonly proxy: rds.DatabaseProxy;
  /** The migrations custom resource. */
  readonly migrations: CustomResource;
  /** Hash of the migrations the custom resource last applied. */
  readonly migrationsHash: string;

  constructor(scope: Construct, id: string, props: RelationalStoreProps) {
    super(scope, id);
    this.secret = new rds.DatabaseSecret(this, 'Secret', { username: DATABASE_USER });
    const dbSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: 'RDS PostgreSQL: from the proxy, the migrations and the rotation function only',
      allowAllOutbound: false,
    });
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: POSTGRES_ENGINE_VERSION }),
      instanceType: new ec2.InstanceType(props.instanceType),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [dbSecurityGroup],
      credentials: rds.Credentials.fromSecret(this.secret),
      databaseName: DATABASE_NAME,
      multiAz: props.multiAz,
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      publiclyAccessible: false,
      backupRetention: Duration.days(props.backupRetentionDays),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.deletionProtection ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      deleteAutomatedBackups: !props.deletionProtection,
      autoMinorVersionUpgrade: true,
      instanceIdentifier: props.instanceIdentifier,
      cloudwatchLogsExports: [...RDS_LOG_EXPORTS],
      parameters: { 'rds.force_ssl': '1' },
    });
    // Exported logs go to groups RDS would create without retention; creating them first sets it.
    for (const log of RDS_LOG_EXPORTS) {
      const group = new logs.LogGroup(this, `Logs-${log}`, {
        logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${log}`,
        retention: retentionDays(props.logRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.instance.node.addDependency(group);
    }
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions::AwsSolutions-RDS11',
      reason:
        'PostgreSQL keeps its default port: the instance is private, reachable only from the proxy, migrations ' +
        'and rotation security groups; a non-standard port adds no protection.',
    });
    if (!props.multiAz) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions::AwsSolutions-RDS3',
        reason: 'Single-AZ by stage setting (database.multiAz=false) to save cost; prod runs Multi-AZ.',
      });
    }
    if (!props.deletionProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions::AwsSolutions-RDS10',
        reason: 'Disposable development data (database.deletionProtection=false); prod is protected.',
      });
    }
    this.instance.addRotationSingleUser({
      automaticallyAfter: Duration.days(props.rotationDays ?? 30),
      vpcSubnets: props.subnets,
    });

    const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc: props.vpc,
      description: 'RDS Proxy: from the pipeline Lambdas',
      allowAllOutbound: true,
    });
    this.proxy = this.instance.addProxy('Proxy', {
      secrets: [this.secret],
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [proxySecurityGroup],
      requireTLS: true,
      iamAuth: false,
      borrowTimeout: Duration.seconds(30),
      maxConnectionsPercent: 80,
    });
    this.instance.connections.allowDefaultPortFrom(proxySecurityGroup, 'RDS Proxy');

    // Migrations: one direct connection (the runner's advisory lock needs a session), every time the SQL
    // changes. The runner is idempotent, so a re-run (e.g. after the instance was replaced) is harmless.
    const migrationsSecurityGroup = new ec2.SecurityGroup(this, 'MigrationsSecurityGroup', {
      vpc: props.vpc,
      description: 'Migrations custom resource: to PostgreSQL and Secrets Manager',
      allowAllOutbound: true,
    });
    this.instance.connections.allowDefaultPortFrom(migrationsSecurityGroup, 'Migrations custom resource');
    const migrationsFunction = new PipelineFunction(this, 'MigrationsFunction', {
      entry: 'migrations/handler.ts',
      serviceName: 'migrations',
      noDeadLetterQueueReason: 'Invoked synchronously by the custom resource provider framework.',
      description: 'Applies the PostgreSQL schema migrations (custom resource)',
      timeout: Duration.minutes(5),
      logRetentionDays: props.logRetentionDays,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [migrationsSecurityGroup],
      environment: this.connectionEnvironment(
        this.instance.dbInstanceEndpointAddress,
        this.instance.dbInstanceEndpointPort,
      ),
    });
    this.secret.grantRead(migrationsFunction.function);

    const providerLogs = new logs.LogGroup(this, 'MigrationsProviderLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const provider = new cr.Provider(this, 'MigrationsProvider', {
      onEventHandler: migrationsFunction.function,
      logGroup: providerLogs,
    });
    useProjectRuntime(provider);
    this.migrationsHash = migrationsHash();
    this.migrations = new CustomResource(this, 'Migrations', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PostgresMigrations',
      properties: {
        MigrationsHash: this.migrationsHash,
        LatestVersion: String(MIGRATIONS.at(-1)?.version ?? 0),
        // A replaced instance has a new endpoint: the migrations run again on it.
        DatabaseEndpoint: this.instance.dbInstanceEndpointAddress,
      },
    });
    this.migrations.node.addDependency(this.instance);
  }

  /**
   * The `PG*` environment of a Lambda that connects with the master secret over TLS.
   *
   * @param host defaults to the proxy endpoint
   */
  connectionEnvironment(
    host: string = this.proxy.endpoint,
    port = String(POSTGRES_PORT),
  ): Record<string, string> {
    return {
      PGHOST: host,
      PGPORT: port,
      PGDATABASE: DATABASE_NAME,
      PGUSER: DATABASE_USER,
      PG_SECRET_ARN: this.secret.secretArn,
      PGSSL: 'true',
      // RDS and RDS Proxy certificates verify against the CA bundle the Lambda runtime ships.
      NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
    };
  }

  /** What the processor's `postgres` sink needs: the PG* environment, the secret and the proxy port. */
  sinkAccess(): SinkAccess {
    return {
      name: 'postgres',
      environment: this.connectionEnvironment(),
      grant: (client) => this.grantConnect(client, 'Processor'),
    };
  }

  /** Lets a client reach the proxy (PostgreSQL port) and read the secret. */
  grantConnect(client: Client, description: string): void {
    this.secret.grantRead(client);
    if (client.connections) this.allowProxyFrom(client.connections, description);
  }

  /** Opens the proxy's PostgreSQL port to a peer. */
  allowProxyFrom(peer: ec2.IConnectable | ec2.ISecurityGroup, description: string): void {
    this.proxy.connections.allowFrom(peer, ec2.Port.tcp(POSTGRES_PORT), description);
  }
}
