import { Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stackArn } from '../shared/pipeline-function.js';

/**
 * ARNs for `kafka-cluster:*` IAM actions. MSK names topic and group resources after the cluster's name and
 * UUID, which are the last two segments of the cluster ARN (`.../cluster/<name>/<uuid>`).
 */
export class KafkaArns {
  /** The cluster ARN. */
  readonly cluster: string;
  private readonly nameAndUuid: string;

  constructor(
    private readonly scope: Construct,
    clusterArn: string,
  ) {
    this.cluster = clusterArn;
    const parts = Fn.split('/', clusterArn);
    this.nameAndUuid = `${Fn.select(1, parts)}/${Fn.select(2, parts)}`;
  }

  /** ARN of one topic (or a pattern such as `*`). */
  topic(name: string): string {
    return stackArn(this.scope, 'kafka', `topic/${this.nameAndUuid}/${name}`);
  }

  /** ARN of one consumer group. */
  group(id: string): string {
    return stackArn(this.scope, 'kafka', `group/${this.nameAndUuid}/${id}`);
  }
}
