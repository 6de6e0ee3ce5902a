import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PipelineFunction } from '../shared/pipeline-function.js';
import type { ProcessingNetwork } from './processing.js';

/** Props of {@link FailedBatchesReplay}. */
export interface FailedBatchesReplayProps {
  /** MSK cluster ARN (brokers are resolved at cold start, IAM auth). */
  readonly clusterArn: string;
  /** The mapping's failure topic, read by the replay. */
  readonly failureTopicName: string;
  /** Consumer group whose committed offsets record the replay's progress. */
  readonly groupId: string;
  /** VPC placement next to the brokers. */
  readonly network: ProcessingNetwork;
  /** Kafka grants: read the failure topic as the group, produce to the source topic. */
  readonly grantKafka: (grantee: iam.IGrantable) => void;
  /** Lets the function's security group reach the brokers. */
  readonly allowIntoKafka: (securityGroup: ec2.ISecurityGroup) => void;
  /** Days logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * The replay of failed batches as a function: the `replay_failed_batches` DAG invokes it, and
 * `npm run replay -- failed-batches` runs the same code locally (lambdas/replay-failed-batches).
 */
export class FailedBatchesReplay extends Construct {
  /** The replay function. */
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: FailedBatchesReplayProps) {
    super(scope, id);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.network.vpc,
      description: 'Failed-batches replay: to the MSK IAM listener and AWS endpoints',
      allowAllOutbound: true,
    });
    props.allowIntoKafka(securityGroup);
    this.function = new PipelineFunction(this, 'Function', {
      entry: 'replay-failed-batches/handler.ts',
      serviceName: 'replay-failed-batches',
      description: 'Failure topic → users_created: replays failed batches (replay_failed_batches DAG)',
      timeout: Duration.minutes(15),
      environment: {
        KAFKA_AUTH: 'iam',
        MSK_CLUSTER_ARN: props.clusterArn,
        FAILURE_TOPIC: props.failureTopicName,
        REPLAY_GROUP_ID: props.groupId,
      },
      noDeadLetterQueueReason: 'Invoked synchronously by MWAA, which records and retries the task.',
      logRetentionDays: props.logRetentionDays,
      vpc: props.network.vpc,
      vpcSubnets: props.network.subnets,
      securityGroups: [securityGroup],
    });
    props.grantKafka(this.function.function);
  }
}
