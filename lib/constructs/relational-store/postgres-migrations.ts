import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { MIGRATIONS, READER_ROLE, WRITER_ROLE } from '../../../lambdas/shared/schema/postgres/index.js';
import { PipelineFunction, retentionDays, useProjectRuntime } from '../shared/pipeline-function.js';
import { migrationsHash } from './migrations-hash.js';
import { DATABASE_USER, type DatabaseLogin, postgresConnectionEnvironment } from './postgres-connection.js';

/** Props of {@link PostgresMigrations}. */
export interface PostgresMigrationsProps {
  /** The instance migrated (directly: the runner's advisory lock needs a session, which the proxy pins). */
  readonly instance: rds.DatabaseInstance;
  /** The master user's secret the runner logs in with. */
  readonly masterSecret: rds.DatabaseSecret;
  /** The processor's login: after migrating, its role gets LOGIN and its secret's password. */
  readonly writer: DatabaseLogin;
  /** The DAGs' login, likewise. */
  readonly reader: DatabaseLogin;
  /** VPC of the migrations function. */
  readonly vpc: ec2.IVpc;
  /** Its subnets. */
  readonly subnets: ec2.SubnetSelection;
  /** Days the function's and provider's logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * The custom resource that runs the schema migrations every time the SQL changes, over one direct
 * connection. The runner is idempotent, so a re-run (e.g. after the instance was replaced) is harmless.
 *
 * Not a construct of its own: its resources live in the scope it is given (the RelationalStore construct),
 * so their construct paths, and the logical ids CloudFormation knows them by, stay that scope's.
 */
export class PostgresMigrations {
  /** The migrations custom resource. */
  readonly resource: CustomResource;
  /** Hash of the migrations the custom resource last applied. */
  readonly hash: string;

  constructor(scope: Construct, props: PostgresMigrationsProps) {
    const { instance } = props;
    const securityGroup = new ec2.SecurityGroup(scope, 'MigrationsSecurityGroup', {
      vpc: props.vpc,
      description: 'Migrations custom resource: to PostgreSQL and Secrets Manager',
      allowAllOutbound: true,
    });
    instance.connections.allowDefaultPortFrom(securityGroup, 'Migrations custom resource');
    const migrationsFunction = new PipelineFunction(scope, 'MigrationsFunction', {
      entry: 'migrations/handler.ts',
      serviceName: 'migrations',
      noDeadLetterQueueReason: 'Invoked synchronously by the custom resource provider framework.',
      description: 'Applies the PostgreSQL schema migrations (custom resource)',
      timeout: Duration.minutes(5),
      logRetentionDays: props.logRetentionDays,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      environment: {
        ...postgresConnectionEnvironment(
          { username: DATABASE_USER, secret: props.masterSecret },
          instance.dbInstanceEndpointAddress,
          instance.dbInstanceEndpointPort,
        ),
        // After migrating, the custom resource gives each application role LOGIN and its secret's password.
        PG_ROLE_SECRET_ARNS: Stack.of(scope).toJsonString({
          [WRITER_ROLE]: props.writer.secret.secretArn,
          [READER_ROLE]: props.reader.secret.secretArn,
        }),
      },
    });
    for (const secret of [props.masterSecret, props.writer.secret, props.reader.secret])
      secret.grantRead(migrationsFunction.function);

    const provider = new cr.Provider(scope, 'MigrationsProvider', {
      onEventHandler: migrationsFunction.function,
      logGroup: new logs.LogGroup(scope, 'MigrationsProviderLogs', {
        retention: retentionDays(props.logRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    useProjectRuntime(provider);
    this.hash = migrationsHash();
    this.resource = new CustomResource(scope, 'Migrations', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PostgresMigrations',
      properties: {
        MigrationsHash: this.hash,
        LatestVersion: String(MIGRATIONS.at(-1)?.version ?? 0),
        // A replaced instance has a new endpoint: the migrations run again on it.
        DatabaseEndpoint: instance.dbInstanceEndpointAddress,
      },
    });
    this.resource.node.addDependency(instance);
  }
}
