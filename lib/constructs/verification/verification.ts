import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { ProcessingNetwork } from '../processing/processing.js';
import type { ServiceAccess } from '../shared/access.js';
import { PipelineFunction } from '../shared/pipeline-function.js';

/** Props of {@link Verification}. */
export interface VerificationProps {
  /** VPC placement next to the stores and the brokers. */
  readonly network: ProcessingNetwork;
  /**
   * How it reaches each service, with the grants: the stores read-only (PostgreSQL as pipeline_reader through
   * the proxy, Keyspaces cassandra:Select), and produce rights on the source topic for the one poison record.
   */
  readonly access: readonly ServiceAccess[];
  /** Days logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * The function `npm run verify` invokes after a deploy (lambdas/verification): the stores sit in private
 * subnets, so it reads them from inside the VPC as the reader role, and it produces the run's poison record
 * to the source topic. Nothing in the pipeline invokes it.
 */
export class Verification extends Construct {
  /** The verification function. */
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: VerificationProps) {
    super(scope, id);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.network.vpc,
      description: 'Verification function: to RDS Proxy, the MSK IAM listener and the AWS endpoints',
      allowAllOutbound: true,
    });
    this.function = new PipelineFunction(this, 'Function', {
      entry: 'verification/handler.ts',
      serviceName: 'verification',
      description: 'npm run verify: reads the stores as pipeline_reader, produces one poison record',
      timeout: Duration.minutes(1),
      environment: Object.assign({}, ...props.access.map((access) => access.environment)),
      noDeadLetterQueueReason: 'Invoked synchronously by npm run verify, which reports every failure.',
      unreservedConcurrencyReason:
        'Invoked only by an operator running npm run verify, a handful of sequential calls per run; ' +
        'reserving concurrency would take it from the account for nothing.',
      logRetentionDays: props.logRetentionDays,
      vpc: props.network.vpc,
      vpcSubnets: props.network.subnets,
      securityGroups: [securityGroup],
    });
    for (const access of props.access) access.grant(this.function.function);
  }
}
