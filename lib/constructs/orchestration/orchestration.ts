import { join } from 'node:path';
import { Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as mwaa from 'aws-cdk-lib/aws-mwaa';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { OrchestrationSettings } from '../../config/stage-settings.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { REPO_ROOT } from '../shared/paths.js';
import {
  adoptVendoredFunctions,
  retentionDays,
  stackArn,
  vendoredFunctionCheckovSkips,
} from '../shared/pipeline-function.js';
import { AIRFLOW_VERSION, CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION } from './airflow-version.js';

/** Prefix of the DAGs in the bucket (`DagS3Path`). */
export const DAG_S3_PATH = 'dags';
/** Key of the requirements file in the bucket (`RequirementsS3Path`). */
export const REQUIREMENTS_S3_PATH = 'requirements.txt';
/**
 * Secrets Manager prefixes of a stage's Airflow secrets backend. They carry the stage, so dev and prod live
 * side by side in one account and each MWAA role reads only its own stage's connections and variables.
 */
export function airflowSecretPrefixes(stageName: string): { connections: string; variables: string } {
  return { connections: `airflow/${stageName}/connections`, variables: `airflow/${stageName}/variables` };
}

/** Files of `mwaa-dags/` that never go to the bucket (tests, local tooling, caches). */
export const DAG_BUNDLE_EXCLUDES = [
  'tests',
  'tests/**',
  '.pytest_cache',
  '.ruff_cache',
  '**/__pycache__',
  '**/*.pyc',
  'pyproject.toml',
  'requirements-local.txt',
  'constraints-*.txt',
  'README.md',
];

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
 * Amazon MWAA: a versioned, encrypted DAG bucket filled from `mwaa-dags/`, the environment (all Airflow
 * logs on), its least-privilege execution role, and the Secrets Manager backend holding the Airflow
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
    const { connections: connectionsPrefix, variables: variablesPrefix } = this.secretPrefixes;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned so an overwritten or deleted access log stays recoverable until the lifecycle expires it.
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(Math.max(props.logRetentionDays, 30)),
          noncurrentVersionExpiration: Duration.days(Math.max(props.logRetentionDays, 30)),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This bucket receives the DAG bucket server access logs; logging it would recurse.',
    });
    skipCheckov(accessLogs, {
      id: 'CKV_AWS_18',
      reason: 'This bucket receives the DAG bucket server access logs; logging it would recurse.',
    });
    this.bucket = new s3.Bucket(this, 'DagBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'dag-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const deploymentLogs = new logs.LogGroup(this, 'DagDeploymentLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployment = new s3deploy.BucketDeployment(this, 'DagDeployment', {
      sources: [
        s3deploy.Source.asset(props.dagsDirectory ?? join(REPO_ROOT, 'mwaa-dags'), {
          exclude: DAG_BUNDLE_EXCLUDES,
        }),
      ],
      destinationBucket: this.bucket,
      prune: true,
      retainOnDelete: false,
      memoryLimit: 512,
      logGroup: deploymentLogs,
    });
    const vendored =
      'CDK BucketDeployment handler (vendored by aws-cdk-lib, Python with the AWS CLI layer): runtime, ' +
      'tracing, memory and role are owned by the library; it only copies the DAG bundle to its bucket at deploy time.';
    const handler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    acknowledgeIamFindings(
      handler ?? deployment,
      'AwsSolutions-IAM4',
      [/AWSLambdaBasicExecutionRole$/],
      vendored,
    );
    acknowledgeIamFindings(
      handler ?? deployment,
      'AwsSolutions-IAM5',
      [
        /^Action::s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*$/,
        /^Resource::<OrchestrationDagBucket[A-Za-z0-9]*\.Arn>\/\*$/,
        /^Resource::arn:(<AWS::Partition>|[a-z-]+):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/,
      ],
      vendored,
    );
    const handlerFunction = handler?.node.tryFindChild('Resource');
    if (handlerFunction) skipCheckov(handlerFunction, ...vendoredFunctionCheckovSkips(vendored));
    Validations.of(handler ?? deployment).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-L1', reason: vendored },
      { id: 'Serverless::Serverless-LambdaTracing', reason: vendored },
      { id: 'Serverless::Serverless-LambdaDLQ', reason: vendored },
      { id: 'Serverless::Serverless-LambdaLatestVersion', reason: vendored },
    );

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
          stackArn(this, 'secretsmanager', `secret:${connectionsPrefix}/*`),
          stackArn(this, 'secretsmanager', `secret:${variablesPrefix}/*`),
        ],
      }),
    );
    const variables: Record<string, string> = {
      ingest_pull_function_name: props.pullFunction.functionName,
      pipeline_postgres_secret_arn: props.databaseSecret.secretArn,
      ...props.variables,
    };
    for (const [name, value] of Object.entries(variables))
      this.airflowSecret(`Variable-${name}`, `${variablesPrefix}/${name}`, value);
    for (const [connId, connection] of Object.entries(props.connections ?? {})) {
      this.airflowSecret(
        `Connection-${connId}`,
        `${connectionsPrefix}/${connId}`,
        stack.toJsonString(connection),
      );
    }

    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds.slice(0, 2);
    this.environment = new mwaa.CfnEnvironment(this, 'Environment', {
      name: this.environmentName,
      airflowVersion:
        props.airflowVersionVia === 'update-environment'
          ? CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION
          : AIRFLOW_VERSION,
      environmentClass: props.environmentClass,
      minWorkers: props.minWorkers,
      maxWorkers: props.maxWorkers,
      schedulers: props.schedulers,
      executionRoleArn: this.role.roleArn,
      sourceBucketArn: this.bucket.bucketArn,
      dagS3Path: DAG_S3_PATH,
      requirementsS3Path: REQUIREMENTS_S3_PATH,
      webserverAccessMode: 'PRIVATE_ONLY',
      networkConfiguration: { subnetIds, securityGroupIds: [securityGroup.securityGroupId] },
      airflowConfigurationOptions: {
        'secrets.backend': 'airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend',
        'secrets.backend_kwargs': JSON.stringify({
          connections_prefix: connectionsPrefix,
          variables_prefix: variablesPrefix,
        }),
      },
      loggingConfiguration: {
        dagProcessingLogs: { enabled: true, logLevel: 'INFO' },
        schedulerLogs: { enabled: true, logLevel: 'INFO' },
        taskLogs: { enabled: true, logLevel: 'INFO' },
        webserverLogs: { enabled: true, logLevel: 'INFO' },
        workerLogs: { enabled: true, logLevel: 'INFO' },
      },
    });
    // The DAGs and requirements must be in the bucket before the environment reads them.
    this.environment.node.addDependency(deployment);
    this.environment.node.addDependency(this.role);
    if (props.airflowVersionVia === 'update-environment') this.upgradeThroughApi(props.logRetentionDays);
  }

  /**
   * The CloudFormation fallback: after the environment exists, MWAA UpdateEnvironment moves it to
   * AIRFLOW_VERSION. It runs again whenever AIRFLOW_VERSION changes (the physical id carries it); the call
   * returns at once and MWAA upgrades in place (the environment shows UPDATING for a while).
   */
  private upgradeThroughApi(logRetentionDays: number): void {
    const call: cr.AwsSdkCall = {
      service: 'MWAA',
      action: 'updateEnvironment',
      parameters: { Name: this.environmentName, AirflowVersion: AIRFLOW_VERSION },
      physicalResourceId: cr.PhysicalResourceId.of(`${this.environmentName}-airflow-${AIRFLOW_VERSION}`),
    };
    const upgrade = new cr.AwsCustomResource(this, 'AirflowVersionUpgrade', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'AirflowVersionUpgradeLogs', {
        retention: retentionDays(logRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['airflow:UpdateEnvironment'],
          resources: [stackArn(this, 'airflow', `environment/${this.environmentName}`)],
        }),
        // UpdateEnvironment passes the execution role on to the environment.
        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }),
      ]),
    });
    upgrade.node.addDependency(this.environment);
    acknowledgeVendoredUpgradeFunction(this);
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

/**
 * The AwsCustomResource singleton function (aws-cdk-lib, plain JavaScript): the project runtime and
 * architecture, and the findings a vendored, deploy-time-only function cannot meet.
 */
function acknowledgeVendoredUpgradeFunction(scope: Construct): void {
  const singleton = Stack.of(scope).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
  if (!singleton) return;
  const reason =
    'aws-cdk-lib AwsCustomResource function: CloudFormation calls it synchronously on deploy to run one MWAA ' +
    'UpdateEnvironment call (the Airflow version fallback); its settings are owned by the library.';
  adoptVendoredFunctions(singleton, reason);
  Validations.of(singleton).acknowledge({ id: 'AwsSolutions::AwsSolutions-L1', reason });
}
