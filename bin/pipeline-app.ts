import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { PipelineStack, PROJECT_NAME } from '../lib/stacks/pipeline-stack.js';
import type { ResolvedStageConfig } from './config/index.js';

/** aws-cdk-lib context key (cx-api STRICT_CFN_VALIDATE_ERRORS): warnings in validation reports fail synth. */
export const STRICT_VALIDATION_CONTEXT = '@aws-cdk/core:strictCfnValidateErrors';

/** Construct id and CloudFormation name of a stage's stack, e.g. `Pipeline-dev`. */
export function pipelineStackName(stageName: string): string {
  return `Pipeline-${stageName}`;
}

/** What {@link createPipelineApp} built. */
export interface PipelineApp {
  /** The CDK app, with the cdk-nag rule packs registered. */
  readonly app: App;
  /** The stage's only stack. */
  readonly stack: PipelineStack;
}

/**
 * Adds a stage's pipeline to an existing app: the stack, its tags, and cdk-nag.
 *
 * cdk-nag runs as a policy-validation plugin during `app.synth()`. Any unacknowledged finding, warnings
 * included, fails synthesis: the CLI exits non-zero, an in-process `synth()` throws, and the findings are in
 * the cloud assembly's `validation-report.json`. Acknowledge a finding only on the construct it concerns:
 * `Validations.of(construct).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: '...' })`; the
 * `<pack>::` prefix keeps it in the report as acknowledged, with its reason.
 */
export function addPipelineToApp(app: App, config: ResolvedStageConfig): PipelineStack {
  // Once any finding is acknowledged, aws-cdk-lib recomputes a report's success from error-level findings
  // only, so warning-level findings (e.g. Serverless-LambdaTracing) would pass silently. Strict mode makes
  // any remaining warning fail synthesis again.
  if (app.node.tryGetContext(STRICT_VALIDATION_CONTEXT) === undefined) {
    app.node.setContext(STRICT_VALIDATION_CONTEXT, true);
  }
  const stack = new PipelineStack(app, pipelineStackName(config.stageName), {
    description: `Real-time user pipeline (${config.stageName})`,
    // Undefined account/region keep the stack environment-agnostic, so synth never needs AWS lookups.
    env: { account: config.account, region: config.region },
    terminationProtection: config.terminationProtection,
    // Stack-level tags: CloudFormation propagates them to every resource that supports tags
    // (and `@aws-cdk/core:explicitStackTags` makes `Tags.of(stack)` skip the stack itself).
    tags: { project: PROJECT_NAME, stage: config.stageName },
    config,
  });

  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true }),
    new ServerlessChecks(app, { verbose: true }),
  );
  return stack;
}

/**
 * Builds the app for one stage without the CDK CLI, e.g. for tests.
 *
 * @param appProps passed to `new App()`; tests use it for `outdir` and the `cdk.json` feature flags
 */
export function createPipelineApp(config: ResolvedStageConfig, appProps?: AppProps): PipelineApp {
  const app = new App(appProps);
  const stack = addPipelineToApp(app, config);
  return { app, stack };
}
