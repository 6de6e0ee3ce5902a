import { Stack, type StackProps } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

/** Project name: prefix of SSM parameter names and value of the `project` tag. */
export const PROJECT_NAME = 'realtime-user-pipeline';

/** The per-stage settings {@link PipelineStack} uses; a subset of the stage configuration in `bin/config`. */
export interface PipelineSettings {
  /** Stage the stack belongs to, e.g. `dev`; keeps the names of different stages apart. */
  readonly stageName: string;
  /** Kafka topic for newly created users, shared by the ingestion and processor Lambdas. */
  readonly topicName: string;
}

/** Props of {@link PipelineStack}. */
export interface PipelineStackProps extends StackProps {
  /** Per-stage settings. */
  readonly config: PipelineSettings;
}

/** SSM parameter name under which a stage publishes its Kafka topic name. */
export function topicNameParameterName(stageName: string): string {
  return `/${PROJECT_NAME}/${stageName}/topic-name`;
}

/**
 * The whole pipeline of one stage. The stack only wires constructs from `lib/constructs` together;
 * resources are defined in those constructs.
 */
export class PipelineStack extends Stack {
  /** Kafka topic for newly created users. */
  readonly topicName: string;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.topicName = props.config.topicName;

    // Published so the MWAA DAGs and operator scripts read the topic from one place. It is also the
    // stack's first resource: CloudFormation rejects templates without resources, and CDK's built-in
    // template validation fails synth on them under `@aws-cdk/core:validateAgainstDefaultRules`.
    new StringParameter(this, 'TopicNameParameter', {
      parameterName: topicNameParameterName(props.config.stageName),
      description: 'Kafka topic that receives created users',
      stringValue: this.topicName,
    });
  }
}
