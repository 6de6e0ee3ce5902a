import type { CustomResource } from 'aws-cdk-lib';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { POSTGRES_SINK_NAME } from '../../../lambdas/processor/sinks/postgres/name.js';
import { READER_ROLE, WRITER_ROLE } from '../../../lambdas/shared/schema/postgres/index.js';
import type { DatabaseSettings } from '../../config/stage-settings.js';
import type { Client, ServiceAccess, SinkAccess } from '../shared/access.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { retentionDays } from '../shared/pipeline-function.js';
import { createApplicationLogin } from './application-login.js';
import { createDatabaseProxy } from './database-proxy.js';
import {
  DATABASE_NAME,
  DATABASE_USER,
  type DatabaseLogin,
  POSTGRES_PORT,
  postgresConnectionEnvironment,
} from './postgres-connection.js';
import { PostgresMigrations } from './postgres-migrations.js';

export { DATABASE_NAME, DATABASE_USER, type DatabaseLogin, POSTGRES_PORT } from './postgres-connection.js';

/** PostgreSQL major.minor the pipeline runs (the local mirror runs PostgreSQL 17 too). */
export const POSTGRES_ENGINE_VERSION = rds.PostgresEngineVersion.VER_17_9;

/** PostgreSQL logs exported to CloudWatch Logs. */
export const RDS_LOG_EXPORTS = ['postgresql', 'upgrade'] as const;

/** Props of {@link RelationalStore}: the stage's database settings and where the store lives. */
export interface RelationalStoreProps extends DatabaseSettings {
  /** VPC of the instance, the proxy and the migrations function. */
  readonly vpc: ec2.IVpc;
  /** Private subnets. */
  readonly subnets: ec2.SubnetSelection;
  /** Days the database and migrations logs are kept. */
  readonly logRetentionDays: number;
  /** DB instance identifier; also names the exported log groups. */
  readonly instanceIdentifier: string;
  /** Days between automatic password rotations. @default 30 */
  readonly rotationDays?: number;
}

/**
 * RDS for PostgreSQL 17: private, encrypted, credentials in Secrets Manager with single-user rotation, an
 * RDS Proxy (TLS required) for the Lambdas ({@link createDatabaseProxy}), one rotated secret per application
 * role ({@link createApplicationLogin}), and a custom resource that runs the schema migrations whenever they
 * change ({@link PostgresMigrations}).
 */
export class RelationalStore extends Construct {
  /** The instance. */
  readonly instance: rds.DatabaseInstance;
  /** Master credentials (username, password, host, port, dbname): the migrations custom resource only. */
  readonly secret: rds.DatabaseSecret;
  /** The processor's login (role pipeline_writer of migration 0006), through the proxy. */
  readonly writer: DatabaseLogin;
  /** The DAGs' login (role pipeline_reader of migration 0006), through the proxy. */
  readonly reader: DatabaseLogin;
  /** Customer-managed key of the database secrets and Performance Insights. */
  readonly key: kms.Key;
  /** The proxy the Lambdas connect to. */
  readonly proxy: rds.DatabaseProxy;
  /** The migrations custom resource. */
  readonly migrations: CustomResource;
  /** Hash of the migrations the custom resource last applied. */
  readonly migrationsHash: string;

  constructor(scope: Construct, id: string, props: RelationalStoreProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `Secrets and Performance Insights of ${props.instanceIdentifier}`,
      enableKeyRotation: true,
    });
    this.secret = new rds.DatabaseSecret(this, 'Secret', {
      username: DATABASE_USER,
      encryptionKey: this.key,
    });
    // The master secret outlives a deleted stack wherever the data does (a snapshot is kept).
    if (props.deletionProtection) this.secret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.instance = this.createInstance(props);
    this.instance.addRotationSingleUser({
      automaticallyAfter: Duration.days(props.rotationDays ?? 30),
      vpcSubnets: props.subnets,
    });
    this.acknowledgeScannerFindings(props);
    const loginProps = {
      instance: this.instance,
      encryptionKey: this.key,
      vpc: props.vpc,
      subnets: props.subnets,
      rotationDays: props.rotationDays,
    };
    this.writer = createApplicationLogin(this, { ...loginProps, id: 'Writer', role: WRITER_ROLE });
    this.reader = createApplicationLogin(this, { ...loginProps, id: 'Reader', role: READER_ROLE });
    this.proxy = createDatabaseProxy(this, {
      instance: this.instance,
      logins: [this.writer, this.reader],
      vpc: props.vpc,
      subnets: props.subnets,
    });
    const migrations = new PostgresMigrations(this, {
      instance: this.instance,
      masterSecret: this.secret,
      writer: this.writer,
      reader: this.reader,
      vpc: props.vpc,
      subnets: props.subnets,
      logRetentionDays: props.logRetentionDays,
    });
    this.migrations = migrations.resource;
    this.migrationsHash = migrations.hash;
  }

  /** The instance in its security group, its exported log groups (with retention) and its stage decisions. */
  private createInstance(props: RelationalStoreProps): rds.DatabaseInstance {
    const dbSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: 'RDS PostgreSQL: from the proxy, the migrations and the rotation function only',
      allowAllOutbound: false,
    });
    const instance = new rds.DatabaseInstance(this, 'Instance', {
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
      ...this.monitoringSettings(props),
    });
    // Exported logs go to groups RDS would create without retention; creating them first sets it.
    for (const log of RDS_LOG_EXPORTS) {
      const group = new logs.LogGroup(this, `Logs-${log}`, {
        logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${log}`,
        retention: retentionDays(props.logRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      instance.node.addDependency(group);
    }
    acknowledgeInstanceFindings(instance, props);
    return instance;
  }

  /**
   * The `PG*` environment of a Lambda that connects as `login` over TLS.
   *
   * @param login defaults to the processor's role (pipeline_writer)
   * @param host defaults to the proxy endpoint
   */
  connectionEnvironment(
    login: DatabaseLogin = this.writer,
    host: string = this.proxy.endpoint,
    port = String(POSTGRES_PORT),
  ): Record<string, string> {
    return postgresConnectionEnvironment(login, host, port);
  }

  /** What the processor's `postgres` sink needs: the writer's PG* environment, its secret and the proxy port. */
  sinkAccess(): SinkAccess {
    return {
      name: POSTGRES_SINK_NAME,
      environment: this.connectionEnvironment(this.writer),
      grant: (client) => this.grantConnect(client, 'Processor', this.writer),
    };
  }

  /**
   * Read-only access as the DAGs' role (pipeline_reader: SELECT on the pipeline tables, through the proxy): the
   * reader's PG* environment, its secret and the proxy port. The verification function reads with it.
   */
  readerAccess(description: string): ServiceAccess {
    return {
      environment: this.connectionEnvironment(this.reader),
      grant: (client) => this.grantConnect(client, description, this.reader),
    };
  }

  /** Lets a client reach the proxy (PostgreSQL port) and read its login's secret (default: the writer's). */
  grantConnect(client: Client, description: string, login: DatabaseLogin = this.writer): void {
    login.secret.grantRead(client);
    if (client.connections) this.allowProxyFrom(client.connections, description);
  }

  /** Opens the proxy's PostgreSQL port to a peer. */
  allowProxyFrom(peer: ec2.IConnectable | ec2.ISecurityGroup, description: string): void {
    this.proxy.connections.allowFrom(peer, ec2.Port.tcp(POSTGRES_PORT), description);
  }

  /** Performance Insights and enhanced monitoring, as the stage asks. */
  private monitoringSettings(props: RelationalStoreProps): Partial<rds.DatabaseInstanceProps> {
    const interval = props.enhancedMonitoringIntervalSeconds;
    return {
      ...(props.performanceInsights
        ? {
            enablePerformanceInsights: true,
            performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
            performanceInsightEncryptionKey: this.key,
          }
        : {}),
      ...(interval > 0 ? { monitoringInterval: Duration.seconds(interval) } : {}),
    };
  }

  /** checkov and cdk-nag findings that are decisions, each with its reason, on the instance only. */
  private acknowledgeScannerFindings(props: RelationalStoreProps): void {
    skipCheckov(this.instance, {
      id: 'CKV_AWS_161',
      reason:
        'Application roles log in with their own Secrets Manager secrets (rotated single-user) through RDS ' +
        'Proxy, which enforces TLS; IAM database auth would add per-connection token signing to the Lambdas ' +
        'and DAGs without removing the proxy secrets.',
    });
    if (!props.multiAz)
      skipCheckov(this.instance, {
        id: 'CKV_AWS_157',
        reason: 'Single-AZ by stage setting (database.multiAz=false) to save cost; prod runs Multi-AZ.',
      });
    if (props.enhancedMonitoringIntervalSeconds === 0)
      skipCheckov(this.instance, {
        id: 'CKV_AWS_118',
        reason:
          'Enhanced monitoring off by stage setting on this non-production stage to save cost; prod runs it ' +
          'every 60 s with Performance Insights.',
      });
    else
      acknowledgeIamFindings(
        this.instance,
        'AwsSolutions-IAM4',
        [/AmazonRDSEnhancedMonitoringRole$/],
        'RDS enhanced monitoring role: the AWS managed policy is the one RDS documents for it, scoped to ' +
          'the RDSOSMetrics log group.',
      );
  }
}

/** cdk-nag findings on the instance that are stage decisions, each with its reason. */
function acknowledgeInstanceFindings(instance: rds.DatabaseInstance, props: RelationalStoreProps): void {
  Validations.of(instance).acknowledge({
    id: 'AwsSolutions::AwsSolutions-RDS11',
    reason:
      'PostgreSQL keeps its default port: the instance is private, reachable only from the proxy, migrations ' +
      'and rotation security groups; a non-standard port adds no protection.',
  });
  if (!props.multiAz) {
    Validations.of(instance).acknowledge({
      id: 'AwsSolutions::AwsSolutions-RDS3',
      reason: 'Single-AZ by stage setting (database.multiAz=false) to save cost; prod runs Multi-AZ.',
    });
  }
  if (!props.deletionProtection) {
    Validations.of(instance).acknowledge({
      id: 'AwsSolutions::AwsSolutions-RDS10',
      reason: 'Disposable development data (database.deletionProtection=false); prod is protected.',
    });
  }
}
