import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { PIPELINE_METRICS_NAMESPACE } from '../../../lambdas/processor/metric-names.js';
import { acknowledgeIamFindings } from './acknowledge.js';
import { type CheckovSkip, skipCheckov } from './checkov.js';
import { lambdaEntry, REPO_ROOT } from './paths.js';

/** The one Lambda runtime every project function uses. */
export const PIPELINE_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** The one Lambda architecture every project function uses. */
export const PIPELINE_ARCHITECTURE = lambda.Architecture.ARM_64;

/**
 * `NODE_OPTIONS` of every project function. Source maps make stack traces readable. kafkajs 2.2.4 (its last
 * release) passes a negative delay to setTimeout whenever its request queue is idle and unthrottled
 * (src/network/requestQueue/index.js, scheduleCheckPendingRequests); Node 24 clamps it to 1 ms, as every Node
 * did, but now also prints a TimeoutNegativeWarning to stderr on every connection (tulios/kafkajs#1751; the fix,
 * tulios/kafkajs#1755, is unreleased). Only that one warning class is silenced; test/integration/
 * bundled-functions.test.ts runs every bundle with this environment and asserts an empty stderr.
 */
export const PIPELINE_NODE_OPTIONS = '--enable-source-maps --disable-warning=TimeoutNegativeWarning';

/** Props of {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  /** Handler file relative to `lambdas/`, e.g. `processor/handler.ts`; it exports `handler`. */
  readonly entry: string;
  /** Powertools service name (`POWERTOOLS_SERVICE_NAME`) and log group suffix. */
  readonly serviceName: string;
  /** What the function does (Lambda description). */
  readonly description: string;
  /** Environment variables besides the Powertools ones. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Memory, MiB. @default 256 */
  readonly memorySizeMiB?: number;
  /** Timeout. @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Days the function's log group keeps events. */
  readonly logRetentionDays: number;
  /** VPC to attach to; none for the LocalStack stage. @default - not in a VPC */
  readonly vpc?: ec2.IVpc;
  /** Subnets inside `vpc`. @default - the VPC's private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups inside `vpc`. @default - a new one */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** Reserved concurrency. @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /**
   * esbuild aliases (module → path), e.g. to replace a heavy dependency with a shim.
   * @default {}
   */
  readonly bundlingAliases?: Readonly<Record<string, string>>;
  /** Log group removal policy. @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Dead-letter queue of asynchronous invocations. @default - none */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Why the function needs no dead-letter queue (it is only invoked synchronously or by an event source
   * mapping with its own failure destination). Required when `deadLetterQueue` is absent.
   */
  readonly noDeadLetterQueueReason?: string;
  /**
   * Why the function reserves no concurrency (checkov CKV_AWS_115) when `reservedConcurrentExecutions` is
   * unset. @default the ingestion and deploy-time functions' reason (concurrency bounded by their callers)
   */
  readonly unreservedConcurrencyReason?: string;
}

/**
 * A project Lambda: Node.js 24 on arm64, bundled by the local esbuild (never Docker), with its own log group
 * and retention, X-Ray active tracing, JSON logs and the Powertools environment.
 */
export class PipelineFunction extends Construct {
  /** The function. */
  readonly function: NodejsFunction;
  /** Its log group. */
  readonly logGroup: logs.LogGroup;
  /** Its execution role. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    const { role, wildcardReasons } = createExecutionRole(this, props, this.logGroup);
    this.role = role;
    this.function = new NodejsFunction(this, 'Function', {
      role: this.role,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      entry: lambdaEntry(props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      runtime: PIPELINE_RUNTIME,
      architecture: PIPELINE_ARCHITECTURE,
      description: props.description,
      memorySize: props.memorySizeMiB ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      logGroup: this.logGroup,
      ...(props.vpc ? { vpc: props.vpc } : {}),
      ...(props.vpcSubnets ? { vpcSubnets: props.vpcSubnets } : {}),
      ...(props.securityGroups ? { securityGroups: props.securityGroups } : {}),
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: PIPELINE_METRICS_NAMESPACE,
        NODE_OPTIONS: PIPELINE_NODE_OPTIONS,
        ...props.environment,
      },
      bundling: pipelineBundling(props.bundlingAliases),
    });
    this.acknowledgeFindings(props, wildcardReasons);
  }

  /** cdk-nag and checkov findings the function answers by design, each with its reason. */
  private acknowledgeFindings(props: PipelineFunctionProps, wildcardReasons: readonly string[]): void {
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: `Only actions without resource-level permissions use '*': ${wildcardReasons.join('; ')}.`,
    });
    if (!props.deadLetterQueue) {
      Validations.of(this.function).acknowledge({
        id: 'Serverless::Serverless-LambdaDLQ',
        reason: props.noDeadLetterQueueReason ?? 'No asynchronous invocations.',
      });
    }
    skipCheckov(this.function, ...functionCheckovSkips(props));
    skipCheckov(this.role.node.findChild('DefaultPolicy'), {
      id: 'CKV_AWS_111',
      reason: `Only actions without resource-level permissions use '*': ${wildcardReasons.join('; ')}.`,
    });
  }
}

/**
 * An explicit role instead of the AWS managed execution policies: logs only to the function's own log group,
 * and the ENI actions only when the function is in a VPC. Returns why each `*` resource is there.
 */
function createExecutionRole(
  scope: Construct,
  props: PipelineFunctionProps,
  logGroup: logs.ILogGroup,
): { role: iam.Role; wildcardReasons: string[] } {
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${props.serviceName} function`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  const wildcardReasons: string[] = ['X-Ray PutTraceSegments/PutTelemetryRecords take no resource ARN'];
  if (props.vpc) {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );
    wildcardReasons.push('the VPC ENI actions Lambda needs take no resource ARN');
  }
  return { role, wildcardReasons };
}

/** Local esbuild (never Docker), minified ESM for Node.js 24 with source maps. */
function pipelineBundling(aliases: Readonly<Record<string, string>> | undefined): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: 'node24',
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // ESM output needs `require` for CommonJS dependencies (pg, kafkajs, cassandra-driver).
    banner:
      "import { createRequire as __pipelineCreateRequire } from 'node:module'; const require = __pipelineCreateRequire(import.meta.url);",
    // Provided by the Node.js 24 Lambda runtime.
    externalModules: ['@aws-sdk/*'],
    ...(aliases ? { esbuildArgs: aliasArgs(aliases) } : {}),
  };
}

/** Environment variables of every project function hold configuration, never credentials. */
export const LAMBDA_ENVIRONMENT_REASON =
  'The environment holds only non-secret configuration (endpoints, names, ARNs), encrypted at rest by ' +
  'Lambda with the AWS managed key; credentials are read from Secrets Manager at runtime.';

/** The checkov checks a project function answers by design rather than by setting. */
function functionCheckovSkips(props: PipelineFunctionProps): CheckovSkip[] {
  const skips: CheckovSkip[] = [{ id: 'CKV_AWS_173', reason: LAMBDA_ENVIRONMENT_REASON }];
  if (!props.deadLetterQueue)
    skips.push({
      id: 'CKV_AWS_116',
      reason: props.noDeadLetterQueueReason ?? 'No asynchronous invocations.',
    });
  if (props.reservedConcurrentExecutions === undefined)
    skips.push({
      id: 'CKV_AWS_115',
      reason:
        props.unreservedConcurrencyReason ??
        'Concurrency is bounded where the calls come from (API Gateway throttling, the pull schedule, ' +
          'one CloudFormation call per deploy); reserving it would only take capacity from the account.',
    });
  if (!props.vpc)
    skips.push({
      id: 'CKV_AWS_117',
      reason: 'LocalStack stage only: no VPC there; every aws stage places this function in private subnets.',
    });
  return skips;
}

function aliasArgs(aliases: Readonly<Record<string, string>>): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [module, path] of Object.entries(aliases)) args[`--alias:${module}`] = path;
  return args;
}

/** Maps a day count to the closest CloudWatch Logs retention at or above it. */
export function retentionDays(days: number): logs.RetentionDays {
  const allowed = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557];
  const chosen = allowed.find((value) => value >= days) ?? 3653;
  return chosen as logs.RetentionDays;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` of the stack's own account and region. */
export function stackArn(scope: Construct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
}

/**
 * Runs a CDK provider framework's Lambda on the project's runtime and architecture (its code is plain
 * JavaScript without native modules), so every Node.js function in the app is nodejs24.x on arm64.
 */
export function useProjectRuntime(provider: cr.Provider): void {
  const reason =
    'CDK custom resource provider framework function (aws-cdk-lib): CloudFormation invokes it synchronously ' +
    'and it only forwards the event to the project handler, which is traced and logged; its role uses the ' +
    'AWS managed basic execution policy and may invoke all versions of that one handler.';
  adoptVendoredFunctions(provider, reason);
  acknowledgeIamFindings(provider, 'AwsSolutions-IAM5', [/^Resource::<[A-Za-z0-9]+\.Arn>:\*$/], reason);
}

/**
 * The Lambda functions aws-cdk-lib vendors under `scope` (provider framework, AwsCustomResource): the
 * project's runtime and architecture (their code is plain JavaScript without native modules), and the
 * findings a deploy-time-only library function cannot meet, each acknowledged with `reason`.
 */
export function adoptVendoredFunctions(scope: IConstruct, reason: string): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof lambda.CfnFunction) {
      child.runtime = PIPELINE_RUNTIME.name;
      child.architectures = [PIPELINE_ARCHITECTURE.name];
      child.memorySize = 256;
      skipCheckov(child, ...vendoredFunctionCheckovSkips(reason));
    }
  }
  acknowledgeIamFindings(scope, 'AwsSolutions-IAM4', [/AWSLambdaBasicExecutionRole$/], reason);
  Validations.of(scope).acknowledge(
    { id: 'Serverless::Serverless-LambdaDLQ', reason },
    { id: 'Serverless::Serverless-LambdaTracing', reason },
  );
}

/**
 * The checkov checks a function vendored by aws-cdk-lib (provider framework, BucketDeployment, the VPC's
 * default security group restriction) cannot meet: the library owns its settings, CloudFormation calls it
 * synchronously a few times per deploy, and it talks only to AWS APIs.
 */
export function vendoredFunctionCheckovSkips(reason: string): CheckovSkip[] {
  return [
    { id: 'CKV_AWS_115', reason },
    { id: 'CKV_AWS_116', reason },
    {
      id: 'CKV_AWS_117',
      reason: `${reason} It calls only AWS APIs (CloudFormation, S3, EC2, Lambda), so it needs no VPC.`,
    },
    { id: 'CKV_AWS_173', reason: LAMBDA_ENVIRONMENT_REASON },
  ];
}
