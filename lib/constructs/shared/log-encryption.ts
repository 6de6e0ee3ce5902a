import { Aspects, type IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';

/**
 * A customer-managed KMS key for every CloudWatch Logs log group of a stack (the Lambda log groups of
 * {@link PipelineFunction}, the CDK provider frameworks', RDS exports, flow logs, API access logs).
 * The pipeline carries personal data (email, phone, date of birth); the handlers never log it, and this
 * key makes any log event that slipped through readable only to principals the key policy allows, and
 * erasable by disabling the key.
 *
 * An aspect sets `KmsKeyId` on each `AWS::Logs::LogGroup` without one, so log groups that libraries create
 * are covered as well as the project's own.
 */
export class LogEncryption extends Construct {
  /** The key. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `CloudWatch Logs of ${stack.stackName}`,
      enableKeyRotation: true,
    });
    // CloudWatch Logs uses the key on behalf of the log groups of this account and region only.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
    Aspects.of(stack).add(new EncryptLogGroups(this.key));
  }
}

class EncryptLogGroups implements IAspect {
  constructor(private readonly key: kms.IKey) {}

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) node.kmsKeyId = this.key.keyArn;
  }
}
