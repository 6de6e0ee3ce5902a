// Checks a `local` stage deployment in LocalStack (run-deploy-test.sh runs it after `npm run deploy:local`):
// the stack is CREATE_COMPLETE and every Lambda function in it exists, Active, with the synthesized
// runtime and architecture. Prints `N passed, M failed`; exits 1 on any failure.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';

const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';
const stackName = process.env.STACK_NAME ?? 'Pipeline-local';
const clientConfig = {
  endpoint,
  region: process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const cfn = new CloudFormationClient(clientConfig);
const lambda = new LambdaClient(clientConfig);

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
}

async function main(): Promise<void> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const status = Stacks?.[0]?.StackStatus;
  check(`stack ${stackName} is CREATE_COMPLETE`, status === 'CREATE_COMPLETE', `status ${status}`);

  const resources: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(
      new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }),
    );
    resources.push(...(page.StackResourceSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  const notComplete = resources.filter((r) => r.ResourceStatus !== 'CREATE_COMPLETE');
  check(
    `all ${resources.length} stack resources are CREATE_COMPLETE`,
    resources.length > 0 && notComplete.length === 0,
    notComplete.map((r) => `${r.LogicalResourceId}: ${r.ResourceStatus}`).join(', '),
  );

  const functions = resources.filter((r) => r.ResourceType === 'AWS::Lambda::Function');
  check('the stack has 3 Lambda functions', functions.length === 3, `found ${functions.length}`);
  for (const fn of functions) {
    const name = fn.PhysicalResourceId ?? '';
    try {
      const { Configuration: c } = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      const ok =
        c?.State === 'Active' &&
        c.Runtime === 'nodejs24.x' &&
        (c.Architectures ?? []).includes('arm64') &&
        (c.CodeSize ?? 0) > 0;
      check(
        `function ${fn.LogicalResourceId} exists and is Active`,
        ok,
        `state ${c?.State}, runtime ${c?.Runtime}, arch ${c?.Architectures?.join('/')}, code ${c?.CodeSize} bytes`,
      );
    } catch (err) {
      check(`function ${fn.LogicalResourceId} exists and is Active`, false, String(err));
    }
  }
}

main()
  .catch((err: unknown) => check('verification ran', false, String(err)))
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 ? 0 : 1;
  });
