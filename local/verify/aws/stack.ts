import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import type { STACK_OUTPUTS } from '../../../lib/stacks/stack-outputs.js';

/** Thrown when the stage's stack is missing or not in a finished, successful state. */
export class StackNotReadyError extends Error {
  override readonly name = 'StackNotReadyError';
}

/** The stack's outputs by key, from CloudFormation DescribeStacks; the stack must be CREATE/UPDATE_COMPLETE. */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<Readonly<Record<string, string>>> {
  let stack: Stack | undefined;
  try {
    stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    throw new StackNotReadyError(
      `could not describe stack ${stackName} in ${await client.config.region()}: ${error instanceof Error ? error.message : error}`,
    );
  }
  const status = stack?.StackStatus;
  const outputs = stack?.Outputs;
  if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') {
    throw new StackNotReadyError(
      `stack ${stackName} is ${status ?? 'missing'}, not CREATE_COMPLETE or UPDATE_COMPLETE`,
    );
  }
  return Object.fromEntries((outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

/** One output's value. @throws StackNotReadyError when the stack does not publish it */
export function output(
  outputs: Readonly<Record<string, string>>,
  key: (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS],
): string {
  const value = outputs[key];
  if (!value)
    throw new StackNotReadyError(`the stack has no output ${key}: deploy the current version first`);
  return value;
}
