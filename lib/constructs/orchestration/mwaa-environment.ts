import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as mwaa from 'aws-cdk-lib/aws-mwaa';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { OrchestrationSettings } from '../../config/stage-settings.js';
import { AIRFLOW_VERSION, CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION } from './airflow-version.js';

/** Prefix of the DAGs in the bucket (`DagS3Path`). */
export const DAG_S3_PATH = 'dags';
/** Key of the requirements file in the bucket (`RequirementsS3Path`). */
export const REQUIREMENTS_S3_PATH = 'requirements.txt';

/** What {@link createMwaaEnvironment} builds the environment from. */
export interface MwaaEnvironmentProps {
  /** Environment name. */
  readonly name: string;
  /** Size and Airflow version route of the stage. */
  readonly settings: OrchestrationSettings;
  /** The execution role. */
  readonly executionRole: iam.IRole;
  /** The DAG bucket. */
  readonly bucket: s3.IBucket;
  /** Exactly two private subnets in different AZs. */
  readonly subnetIds: readonly string[];
  /** The environment's security group. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Secrets Manager prefixes of the Airflow secrets backend. */
  readonly secretPrefixes: { readonly connections: string; readonly variables: string };
}

/**
 * The MWAA environment, private web server, every Airflow log on, the Secrets Manager secrets backend.
 * With `airflowVersionVia: 'update-environment'` it is created on the CloudFormation-documented version
 * (upgradeAirflowThroughApi moves it on). Created in `scope` (the Orchestration construct), whose construct
 * path its logical id keeps.
 */
export function createMwaaEnvironment(scope: Construct, props: MwaaEnvironmentProps): mwaa.CfnEnvironment {
  const { settings } = props;
  return new mwaa.CfnEnvironment(scope, 'Environment', {
    name: props.name,
    airflowVersion:
      settings.airflowVersionVia === 'update-environment'
        ? CLOUDFORMATION_DOCUMENTED_AIRFLOW_VERSION
        : AIRFLOW_VERSION,
    environmentClass: settings.environmentClass,
    minWorkers: settings.minWorkers,
    maxWorkers: settings.maxWorkers,
    schedulers: settings.schedulers,
    executionRoleArn: props.executionRole.roleArn,
    sourceBucketArn: props.bucket.bucketArn,
    dagS3Path: DAG_S3_PATH,
    requirementsS3Path: REQUIREMENTS_S3_PATH,
    webserverAccessMode: 'PRIVATE_ONLY',
    networkConfiguration: {
      subnetIds: [...props.subnetIds],
      securityGroupIds: [props.securityGroup.securityGroupId],
    },
    airflowConfigurationOptions: {
      'secrets.backend': 'airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend',
      'secrets.backend_kwargs': JSON.stringify({
        connections_prefix: props.secretPrefixes.connections,
        variables_prefix: props.secretPrefixes.variables,
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
}
