import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as mwaa from 'aws-cdk-lib/aws-mwaa';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { adoptVendoredFunctions, retentionDays, stackArn } from '../shared/pipeline-function.js';
import { AIRFLOW_VERSION } from './airflow-version.js';

/** What {@link upgradeAirflowThroughApi} moves to {@link AIRFLOW_VERSION}. */
export interface AirflowVersionUpgradeProps {
  /** The environment, created on the CloudFormation-documented version. */
  readonly environment: mwaa.CfnEnvironment;
  /** Its name. */
  readonly environmentName: string;
  /** Its execution role (UpdateEnvironment passes it on). */
  readonly executionRole: iam.IRole;
  /** Days the custom resource's logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * The CloudFormation fallback: after the environment exists, MWAA UpdateEnvironment moves it to
 * AIRFLOW_VERSION. It runs again whenever AIRFLOW_VERSION changes (the physical id carries it); the call
 * returns at once and MWAA upgrades in place (the environment shows UPDATING for a while).
 *
 * Created in `scope` (the Orchestration construct), whose construct path the logical ids keep.
 */
export function upgradeAirflowThroughApi(scope: Construct, props: AirflowVersionUpgradeProps): void {
  const call: cr.AwsSdkCall = {
    service: 'MWAA',
    action: 'updateEnvironment',
    parameters: { Name: props.environmentName, AirflowVersion: AIRFLOW_VERSION },
    physicalResourceId: cr.PhysicalResourceId.of(`${props.environmentName}-airflow-${AIRFLOW_VERSION}`),
  };
  const upgrade = new cr.AwsCustomResource(scope, 'AirflowVersionUpgrade', {
    onCreate: call,
    onUpdate: call,
    installLatestAwsSdk: false,
    logGroup: new logs.LogGroup(scope, 'AirflowVersionUpgradeLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    }),
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({
        actions: ['airflow:UpdateEnvironment'],
        resources: [stackArn(scope, 'airflow', `environment/${props.environmentName}`)],
      }),
      // UpdateEnvironment passes the execution role on to the environment.
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [props.executionRole.roleArn] }),
    ]),
  });
  upgrade.node.addDependency(props.environment);
  acknowledgeVendoredUpgradeFunction(scope);
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
