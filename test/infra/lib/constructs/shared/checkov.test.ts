import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { CheckovSkipReasonError, skipCheckov } from '../../../../../lib/constructs/shared/checkov.js';

const REASON = 'A reason long enough to say why this check does not apply here.';

function queueStack(): { stack: Stack; queue: sqs.Queue } {
  const stack = new Stack(new App(), 'Checkov');
  return { stack, queue: new sqs.Queue(stack, 'Queue') };
}

describe('skipCheckov', () => {
  it('writes checkov skip metadata on the CloudFormation resource of an L2 construct, merging repeated calls', () => {
    const { stack, queue } = queueStack();
    skipCheckov(queue, { id: 'CKV_AWS_27', reason: REASON });
    skipCheckov(queue, { id: 'CKV_AWS_27', reason: REASON }, { id: 'CKV_AWS_99', reason: REASON });
    Template.fromStack(stack).hasResource('AWS::SQS::Queue', {
      Metadata: {
        checkov: {
          skip: [
            { id: 'CKV_AWS_27', comment: REASON },
            { id: 'CKV_AWS_99', comment: REASON },
          ],
        },
      },
    });
  });

  it('refuses a reason shorter than 40 characters', () => {
    const { queue } = queueStack();
    expect(() => skipCheckov(queue, { id: 'CKV_AWS_27', reason: 'not needed' })).toThrow(
      CheckovSkipReasonError,
    );
  });
});
