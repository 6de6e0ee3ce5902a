import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { REPO_ROOT } from '../shared/paths.js';
import { retentionDays, vendoredFunctionCheckovSkips } from '../shared/pipeline-function.js';

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

/** Props of {@link DagBucket}. */
export interface DagBucketProps {
  /** Days the bucket's server access logs are kept (at least 30). */
  readonly logRetentionDays: number;
  /** Source directory of the DAGs. @default `<repo>/mwaa-dags` */
  readonly dagsDirectory?: string;
}

/**
 * The DAG bucket MWAA reads (versioned, encrypted, its server access logs in a bucket of their own) and the
 * BucketDeployment that fills it from `mwaa-dags/` on every deploy.
 *
 * Not a construct of its own: its resources live in the scope it is given (the {@link Orchestration}
 * construct), so their construct paths, and the logical ids CloudFormation knows them by, stay that scope's.
 */
export class DagBucket {
  /** The DAG bucket. */
  readonly bucket: s3.Bucket;
  /** The deployment of `mwaa-dags/`: the environment depends on it, so it reads a complete bundle. */
  readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, props: DagBucketProps) {
    const accessLogs = createAccessLogsBucket(scope, props.logRetentionDays);
    this.bucket = new s3.Bucket(scope, 'DagBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'dag-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const deploymentLogs = new logs.LogGroup(scope, 'DagDeploymentLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deployment = new s3deploy.BucketDeployment(scope, 'DagDeployment', {
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
    acknowledgeDeploymentHandler(scope, this.deployment);
  }
}

function createAccessLogsBucket(scope: Construct, logRetentionDays: number): s3.Bucket {
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Versioned so an overwritten or deleted access log stays recoverable until the lifecycle expires it.
    versioned: true,
    lifecycleRules: [
      {
        expiration: Duration.days(Math.max(logRetentionDays, 30)),
        noncurrentVersionExpiration: Duration.days(Math.max(logRetentionDays, 30)),
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
  return accessLogs;
}

/** The BucketDeployment handler is a stack-level singleton vendored by aws-cdk-lib: its findings are the library's. */
function acknowledgeDeploymentHandler(scope: Construct, deployment: s3deploy.BucketDeployment): void {
  const vendored =
    'CDK BucketDeployment handler (vendored by aws-cdk-lib, Python with the AWS CLI layer): runtime, ' +
    'tracing, memory and role are owned by the library; it only copies the DAG bundle to its bucket at deploy time.';
  const handler = Stack.of(scope).node.children.find((child) =>
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
}
