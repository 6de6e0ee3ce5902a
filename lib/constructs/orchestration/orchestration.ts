import { SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as mwaa from 'aws-cdk-lib/aws-mwaa';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { OrchestrationSettings } from '../../config/stage-settings.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { stackArn } from '../shared/pipeline-function.js';
import type { AIRFLOW_VERSION, CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION } from './airflow-version.js';
import { upgradeAirflowThroughApi } from './airflow-version-upgrade.js';
import { DagBucket } from './dag-bucket.js';
import { createMwaaEnvironment } from './mwaa-environment.js';

/**
 * Secrets Manager prefixes of a stage's Airflow secrets backend. They carry the stage, so dev and prod live
 * side by side in one account and each MWAA role reads only its own stage's connections and variables.
 */
export function airflowSecretPrefixes(stageName: string): { connections: string; variables: string } {
  return { connections: `airflow/${stageName}/connections`, variables: `airflow/${stageName}/variables` };
}

/**
 * Props of {@link Orchestration}: the stage's environment size and Airflow version route
 * (`airflowVersionVia: 'update-environment'` creates the environment on
 * {@link CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION} and moves it to {@link AIRFLOW_VERSION} with MWAA
 * UpdateEnvironment), and what the DAGs reach.
 */
export interface OrchestrationProps extends OrchestrationSettings {
  /** Stage name: part of the environment name. */
  readonly stageName: string;
  /** VPC of the environment. */
  readonly vpc: ec2.IVpc;
  /** Exactly two private subnets in different AZs are used. */
  readonly subnets: ec2.SubnetSelection;
  /** The pull Lambda the `randomuser_ingest` DAG invokes. */
  readonly pullFunction: lambda.IFunction;
  /** Database secret the DAGs read (Variable `pipeline_postgres_secret_arn`). */
  readonly databaseSecret: secretsmanager.ISecret;
  /** Grants the DAGs need on the stores and Kafka (cassandra:Select, kafka write for replay, ...). */
  readonly grants: ReadonlyArray<(role: iam.IRole) => void>;
  /** Security groups the workers need to be allowed into (RDS Proxy, MSK). */
  readonly allowInto: ReadonlyArray<(securityGroup: ec2.ISecurityGroup) => void>;
  /** Further Airflow Variables (e.g. function names the DAGs invoke), by name. @default {} */
  readonly variables?: Readonly<Record<string, string>>;
  /** Airflow connections to create as Secrets Manager secrets, by connection id. @default {} */
  readonly connections?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Days the DAG bucket's access logs are kept. */
  readonly logRetentionDays: number;
  /** Source directory of the DAGs. @default `<repo>/mwaa-dags` */
  readonly dagsDirectory?: string;
}

/**
 * Amazon MWAA: a versioned, encrypted DAG bucket filled from `mwaa-dags/` ({@link DagBucket}), the environment
 * (all Airflow logs on; {@link createMwaaEnvironment}, with {@link upgradeAirflowThroughApi} as the version
 * fallback), its least-privilege execution role, and the Secrets Manager backend holding the Airflow
 * connections and variables the DAGs read.
 */
export class Orchestration extends Construct {
  /** The environment. */
  readonly environment: mwaa.CfnEnvironment;
  /** The DAG bucket. */
  readonly bucket: s3.Bucket;
  /** The execution role. */
  readonly role: iam.Role;
  /** The environment name (the `Environment` dimension of AmazonMWAA metrics). */
  readonly environmentName: string;
  /** Secrets Manager prefixes of the Airflow connections and variables (per stage). */
  readonly secretPrefixes: { readonly connections: string; readonly variables: string };

  constructor(scope: Construct, id: string, props: OrchestrationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.environmentName = `realtime-user-pipeline-${props.stageName}`;
    this.secretPrefixes = airflowSecretPrefixes(props.stageName);

    const dags = new DagBucket(this, props);
    this.bucket = dags.bucket;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `MWAA ${this.environmentName}: self-referencing, egress to the stores and AWS APIs`,
      allowAllOutbound: true,
    });
    securityGroup.addIngressRule(securityGroup, ec2.Port.allTraffic(), 'MWAA components talk to each other');
    for (const allow of props.allowInto) allow(securityGroup);

    this.role = new iam.Role(this, 'ExecutionRole', {
      description: `MWAA ${this.environmentName} execution role`,
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('airflow.amazonaws.com'),
        new iam.ServicePrincipal('airflow-env.amazonaws.com'),
      ),
    });
    this.grantExecutionRole(stack, props);
    this.createAirflowSecrets(stack, props);

    this.environment = createMwaaEnvironment(this, {
      name: this.environmentName,
      settings: props,
      executionRole: this.role,
      bucket: this.bucket,
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds.slice(0, 2),
      securityGroup,
      secretPrefixes: this.secretPrefixes,
    });
    // The DAGs and requirements must be in the bucket before the environment reads them.
    this.environment.node.addDependency(dags.deployment);
    this.environment.node.addDependency(this.role);
    if (props.airflowVersionVia === 'update-environment') {
      upgradeAirflowThroughApi(this, {
        environment: this.environment,
        environmentName: this.environmentName,
        executionRole: this.role,
        logRetentionDays: props.logRetentionDays,
      });
    }
  }

  /** The execution role's grants: MWAA's basics, the DAG bucket, what the DAGs call, the secrets backend. */
  private grantExecutionRole(stack: Stack, props: OrchestrationProps): void {
    this.grantEnvironmentBasics(stack);
    this.bucket.grantRead(this.role);
    props.pullFunction.grantInvoke(this.role);
    props.databaseSecret.grantRead(this.role);
    for (const grant of props.grants) grant(this.role);
    acknowledgeIamFindings(
      this.role,
      'AwsSolutions-IAM5',
      [
        /^Resource::\*$/,
        /^Action::kms:GenerateDataKey\*$/,
        /^Action::s3:(GetBucket|GetObject|List)\*$/,
        /^Resource::<OrchestrationDagBucket[A-Za-z0-9]*\.Arn>\/\*$/,
        /^Resource::<[A-Za-z0-9]*PullFunction[A-Za-z0-9]*\.Arn>:\*$/,
        /^Resource::<FailedBatchesReplayFunction[A-Za-z0-9]*\.Arn>:\*$/,
        /:log-group:airflow-realtime-user-pipeline-[a-z]+-\*$/,
        /:sqs:(<AWS::Region>|[a-z0-9-]+):\*:airflow-celery-\*$/,
        /:secret:airflow\/[a-z0-9-]+\/(connections|variables)\/\*$/,
        /:cassandra:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\d+):\/keyspace\/system\*$/,
      ],
      'MWAA execution role as AWS documents it: its own airflow-<env>-* log groups, the Celery queues MWAA ' +
        'creates (airflow-celery-*), the AWS-owned SQS key via SQS only, Airflow secrets under the ' +
        'airflow/<stage>/connections and airflow/<stage>/variables prefixes, read-only on its DAG bucket, Keyspaces system ' +
        'tables the driver reads, invoke of the pull and failed-batches replay functions (any version); cloudwatch:PutMetricData, ' +
        'logs:DescribeLogGroups and s3:GetAccountPublicAccessBlock take no resource ARN.',
    );
    // Airflow secrets backend: connections and variables are secrets under this stage's prefixes.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [
          stackArn(this, 'secretsmanager', `secret:${this.secretPrefixes.connections}/*`),
          stackArn(this, 'secretsmanager', `secret:${this.secretPrefixes.variables}/*`),
        ],
      }),
    );
  }

  /** The Airflow Variables and connections the DAGs read, as secrets under the stage's prefixes. */
  private createAirflowSecrets(stack: Stack, props: OrchestrationProps): void {
    const variables: Record<string, string> = {
      ingest_pull_function_name: props.pullFunction.functionName,
      pipeline_postgres_secret_arn: props.databaseSecret.secretArn,
      ...props.variables,
    };
    for (const [name, value] of Object.entries(variables))
      this.airflowSecret(`Variable-${name}`, `${this.secretPrefixes.variables}/${name}`, value);
    for (const [connId, connection] of Object.entries(props.connections ?? {})) {
      this.airflowSecret(
        `Connection-${connId}`,
        `${this.secretPrefixes.connections}/${connId}`,
        stack.toJsonString(connection),
      );
    }
  }

  /** A plain-text Secrets Manager secret the Airflow secrets backend serves. */
  private airflowSecret(id: string, name: string, value: string): void {
    const secret = new secretsmanager.Secret(this, id, {
      secretName: `${name}`,
      description: `Airflow ${name} (${this.environmentName}); generated by the stack`,
      secretStringValue: SecretValue.unsafePlainText(value),
    });
    const reason =
      'Holds non-secret configuration generated by the stack (a function name, a secret ARN, endpoint ' +
      'hosts); the credentials it points to live in the rotated database secret.';
    Validations.of(secret).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason });
    skipCheckov(secret, { id: 'CKV_AWS_149', reason });
  }

  /** What every MWAA environment needs: its logs, metrics, Celery queues and their AWS-owned key. */
  private grantEnvironmentBasics(stack: Stack): void {
    const statements = [
      new iam.PolicyStatement({
        actions: ['airflow:PublishMetrics'],
        resources: [stackArn(this, 'airflow', `environment/${this.environmentName}`)],
      }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['s3:ListAllMyBuckets'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogStream',
          'logs:CreateLogGroup',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:GetLogRecord',
          'logs:GetLogGroupFields',
          'logs:GetQueryResults',
        ],
        resources: [stackArn(this, 'logs', `log-group:airflow-${this.environmentName}-*`)],
      }),
      new iam.PolicyStatement({
        actions: ['logs:DescribeLogGroups', 'cloudwatch:PutMetricData', 's3:GetAccountPublicAccessBlock'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        actions: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
          'sqs:SendMessage',
        ],
        resources: [`arn:${stack.partition}:sqs:${stack.region}:*:airflow-celery-*`],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey*', 'kms:Encrypt'],
        notResources: [`arn:${stack.partition}:kms:*:${stack.account}:key/*`],
        conditions: { StringLike: { 'kms:ViaService': [`sqs.${stack.region}.amazonaws.com`] } },
      }),
    ];
    for (const statement of statements) this.role.addToPolicy(statement);
  }
}
