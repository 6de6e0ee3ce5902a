import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KafkaClient } from '@aws-sdk/client-kafka';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { pipelineStackName } from '../../../bin/pipeline-app.js';
import type { ResolvedStageConfig } from '../../../lib/config/stage-settings.js';
import { STACK_OUTPUTS } from '../../../lib/stacks/stack-outputs.js';
import { AirflowRestDagRunner } from '../airflow-rest.js';
import { SdkLambdaPort } from '../lambda-port.js';
import type { StagePorts } from '../ports.js';
import { CloudWatchAlarms } from './cloudwatch.js';
import { MskTopics, mskClusterVersions } from './msk.js';
import { MwaaEnvironmentApi } from './mwaa.js';
import { deployedPushApi } from './push-api.js';
import { output, readStackOutputs } from './stack.js';

/**
 * The ports of a deployed stage: SDK v3 clients in `region`, every name from the stack's outputs
 * (lib/stacks/stack-outputs.ts), credentials from the default provider chain.
 */
export async function awsStagePorts(
  config: ResolvedStageConfig,
  region: string,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> },
): Promise<StagePorts> {
  const outputs = await readStackOutputs(
    new CloudFormationClient({ region }),
    pipelineStackName(config.stageName),
  );
  const clusterArn = output(outputs, STACK_OUTPUTS.kafkaClusterArn);
  const kafka = new KafkaClient({ region });
  const mwaa = new MwaaEnvironmentApi(region, output(outputs, STACK_OUTPUTS.mwaaEnvironmentName));
  return {
    api: await deployedPushApi({
      apiUrl: output(outputs, STACK_OUTPUTS.apiUrl),
      auth: config.api.auth,
      region,
      ...(config.api.auth === 'apiKey' ? { apiKeyId: output(outputs, STACK_OUTPUTS.apiKeyId) } : {}),
    }),
    lambda: new SdkLambdaPort(
      new LambdaClient({ region }),
      output(outputs, STACK_OUTPUTS.eventSourceMappingUuid),
    ),
    topics: new MskTopics(kafka, clusterArn),
    dags: new AirflowRestDagRunner(mwaa.transport, clock),
    alarms: new CloudWatchAlarms(
      new CloudWatchClient({ region }),
      output(outputs, STACK_OUTPUTS.alarmNames).split(','),
    ),
    deployment: {
      versions: async () => {
        const [cluster, environment] = await Promise.all([
          mskClusterVersions(kafka, clusterArn),
          mwaa.environment(),
        ]);
        return {
          ...cluster,
          airflowVersion: environment.AirflowVersion ?? 'unknown',
          orchestrationStatus: environment.Status ?? 'unknown',
        };
      },
    },
    functions: {
      pull: output(outputs, STACK_OUTPUTS.pullFunctionName),
      verification: output(outputs, STACK_OUTPUTS.verificationFunctionName),
    },
  };
}
