import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { isPublicRoute } from '../../../lambdas/ingest-http/routes.js';
import type { ApiAuthMode } from '../../config/stage-settings.js';
import { acknowledgeIamFindings } from '../shared/acknowledge.js';
import { skipCheckov } from '../shared/checkov.js';
import { retentionDays } from '../shared/pipeline-function.js';
import { createIngestionWebAcl } from './ingestion-web-acl.js';
import { deleteUserRequestParameters, usersRequestSchema } from './users-request-model.js';

/** Props of {@link IngestionApi}. */
export interface IngestionApiProps {
  /** Stage name: the API stage and part of resource names. */
  readonly stageName: string;
  /** The Lambda behind every route (ingest-http). */
  readonly handler: lambda.IFunction;
  /** Caller authentication for `POST /v1/users` and `DELETE /v1/users/{id}`. */
  readonly auth: ApiAuthMode;
  /** Steady-state requests per second (stage and usage plan). */
  readonly throttleRateLimit: number;
  /** Burst requests (stage and usage plan). */
  readonly throttleBurstLimit: number;
  /** Attach an AWS WAF web ACL with AWS managed rule groups. @default false */
  readonly waf?: boolean;
  /** With `waf`: requests per client IP per 5 minutes before the web ACL blocks it. @default 2000 */
  readonly wafRequestsPerIpPer5Minutes?: number;
  /** Execution logging and the account-level API Gateway CloudWatch role (not on LocalStack). @default true */
  readonly executionLogging?: boolean;
  /** Days access logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * The ingestion REST API: its routes, request validation, caller authentication (IAM or an API key on a usage
 * plan) and optional WAF.
 *
 * Not a construct of its own: its resources live in the scope it is given (the {@link Ingestion} construct),
 * so their construct paths, and the logical ids CloudFormation knows them by, stay those of that scope.
 */
export class IngestionApi {
  /** The REST API. */
  readonly api: apigateway.RestApi;
  /** API access logs. */
  readonly accessLogs: logs.LogGroup;
  /** The web ACL, when `waf` is set. */
  readonly webAcl?: wafv2.CfnWebACL;
  /** The API key, when `auth` is `apiKey`. */
  readonly apiKey?: apigateway.IApiKey;

  constructor(scope: Construct, props: IngestionApiProps) {
    const executionLogging = props.executionLogging ?? true;
    this.accessLogs = new logs.LogGroup(scope, 'AccessLogs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = createRestApi(scope, props, this.accessLogs, executionLogging);
    const userMethods = addRoutes(this.api, props.handler, props.auth);
    this.apiKey = applyCallerAuth(this.api, userMethods, props);
    if (props.waf) {
      this.webAcl = createIngestionWebAcl(scope, props.stageName, props.wafRequestsPerIpPer5Minutes ?? 2_000);
      new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: this.webAcl.attrArn,
      });
    } else {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason: `AWS WAF is enabled per stage (api.waf); the ${props.stageName} stage runs without it to save cost.`,
      });
    }
    acknowledgeExecutionLogging(this.api, executionLogging);
  }
}

function createRestApi(
  scope: Construct,
  props: IngestionApiProps,
  accessLogs: logs.ILogGroup,
  executionLogging: boolean,
): apigateway.RestApi {
  const api = new apigateway.RestApi(scope, 'Api', {
    restApiName: `realtime-user-pipeline-${props.stageName}`,
    description: 'Real-time user pipeline ingestion API',
    endpointTypes: [apigateway.EndpointType.REGIONAL],
    cloudWatchRole: executionLogging,
    ...(executionLogging ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
    deployOptions: {
      stageName: props.stageName,
      tracingEnabled: true,
      throttlingRateLimit: props.throttleRateLimit,
      throttlingBurstLimit: props.throttleBurstLimit,
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      ...(executionLogging
        ? { loggingLevel: apigateway.MethodLoggingLevel.ERROR, dataTraceEnabled: false, metricsEnabled: true }
        : {}),
    },
  });
  // Refused bodies get the same error shape the Lambda uses.
  api.addGatewayResponse('BadRequestBody', {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    statusCode: '400',
    templates: {
      'application/json':
        '{"error":{"code":"validation_failed","message":$context.error.validationErrorString,' +
        '"request_id":"$context.requestId","issues":[]}}',
    },
  });
  return api;
}

/** `POST /v1/users`, `DELETE /v1/users/{id}` and `GET /v1/health`; returns the two methods on user data. */
function addRoutes(
  api: apigateway.RestApi,
  handler: lambda.IFunction,
  auth: ApiAuthMode,
): apigateway.Method[] {
  const usersModel = api.addModel('UsersRequest', {
    contentType: 'application/json',
    modelName: 'UsersRequest',
    description: 'One user.created v1 payload, or {"users": [...]} (see the user-created.v1 JSON Schema)',
    schema: usersRequestSchema(),
  });
  const validator = api.addRequestValidator('Validator', {
    validateRequestBody: true,
    validateRequestParameters: true,
  });
  const integration = new apigateway.LambdaIntegration(handler, {
    proxy: true,
    timeout: Duration.seconds(29),
  });
  const v1 = api.root.addResource('v1');
  const users = v1.addResource('users');
  // Who may call what: one rule (lambdas/ingest-http/routes.ts), shared with the OpenAPI document and the
  // local adapter.
  const callerAuth = (method: string, resource: string): apigateway.MethodOptions =>
    isPublicRoute(method, resource)
      ? { authorizationType: apigateway.AuthorizationType.NONE }
      : auth === 'iam'
        ? { authorizationType: apigateway.AuthorizationType.IAM }
        : { apiKeyRequired: true };
  const postUsers = users.addMethod('POST', integration, {
    requestValidator: validator,
    requestModels: { 'application/json': usersModel },
    ...callerAuth('POST', '/v1/users'),
  });
  const deleteUser = users.addResource('{id}').addMethod('DELETE', integration, {
    requestValidator: validator,
    requestParameters: deleteUserRequestParameters(),
    ...callerAuth('DELETE', '/v1/users/{id}'),
  });
  const health = v1.addResource('health').addMethod('GET', integration, {
    requestValidator: validator,
    ...callerAuth('GET', '/v1/health'),
  });
  const healthReason =
    'GET /v1/health is an unauthenticated liveness probe for load balancers and uptime checks; it returns ' +
    'no data and is throttled with the stage.';
  Validations.of(health).acknowledge(
    { id: 'AwsSolutions::AwsSolutions-APIG4', reason: healthReason },
    { id: 'AwsSolutions::AwsSolutions-COG4', reason: healthReason },
  );
  skipCheckov(health, { id: 'CKV_AWS_59', reason: healthReason });
  skipCheckov(api.deploymentStage, {
    id: 'CKV_AWS_120',
    reason:
      'Nothing to cache: POST /v1/users must reach the Lambda every time and GET /v1/health must reflect ' +
      'the live function.',
  });
  return [postUsers, deleteUser];
}

/** Acknowledges how the user methods authenticate; with `apiKey`, creates the key and its usage plan. */
function applyCallerAuth(
  api: apigateway.RestApi,
  userMethods: readonly apigateway.Method[],
  props: IngestionApiProps,
): apigateway.IApiKey | undefined {
  if (props.auth !== 'apiKey') {
    for (const method of userMethods) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG4',
        reason: 'Callers are AWS principals authorized with IAM (SigV4); there is no end-user pool.',
      });
    }
    return undefined;
  }
  const reason =
    'Callers authenticate with an API key bound to a throttled usage plan (stage setting api.auth=apiKey); ' +
    'prod uses IAM authorization.';
  for (const method of userMethods) {
    Validations.of(method).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason },
    );
  }
  const plan = api.addUsagePlan('UsagePlan', {
    name: `realtime-user-pipeline-${props.stageName}`,
    throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
    apiStages: [{ api, stage: api.deploymentStage }],
  });
  const apiKey = api.addApiKey('ApiKey', { description: `Ingestion API key (${props.stageName})` });
  plan.addApiKey(apiKey);
  return apiKey;
}

/** The account-level CloudWatch role's managed policy, or why a stage has no execution logging. */
function acknowledgeExecutionLogging(api: apigateway.RestApi, executionLogging: boolean): void {
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    acknowledgeIamFindings(
      cloudWatchRole,
      'AwsSolutions-IAM4',
      [/AmazonAPIGatewayPushToCloudWatchLogs$/],
      'The account-level role API Gateway uses to write execution logs; AmazonAPIGatewayPushToCloudWatchLogs ' +
        'is the policy AWS documents for it.',
    );
  }
  if (!executionLogging) {
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG6',
      reason:
        'LocalStack stage: execution logging needs the account-level API Gateway CloudWatch role, which ' +
        'the LocalStack stage does not create; access logs are on.',
    });
  }
}
