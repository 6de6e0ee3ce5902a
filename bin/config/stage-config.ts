/** Every stage the app can synthesize; `-c stage=<name>` picks one. */
export const STAGE_NAMES = ['dev', 'prod', 'local'] as const;

/** Name of a deployment stage. */
export type StageName = (typeof STAGE_NAMES)[number];

/** Stage used when `-c stage=...` is not given. */
export const DEFAULT_STAGE_NAME: StageName = 'dev';

/** Kafka topic the ingestion Lambdas produce to and the processor consumes from. */
export const DEFAULT_TOPIC_NAME = 'users_created';

/**
 * Settings that differ between stages, as each `bin/config/<stage>.ts` declares them.
 *
 * Only `bin/` reads stage configuration; stacks receive the resolved values they need as props.
 * New settings go here with a TSDoc `@default` and are resolved in {@link resolveStageConfig}.
 */
export interface StageConfig {
  /** Stage name; becomes part of the stack name and the `stage` tag. */
  readonly stageName: StageName;

  /**
   * AWS account the stage deploys to.
   *
   * @default - `CDK_DEFAULT_ACCOUNT` (set by the CDK CLI from the current credentials); when that is unset
   * too, the stack is environment-agnostic
   */
  readonly account?: string;

  /**
   * AWS region the stage deploys to.
   *
   * @default - `CDK_DEFAULT_REGION`; when that is unset too, the stack is environment-agnostic
   */
  readonly region?: string;

  /**
   * Kafka topic for newly created users.
   *
   * @default 'users_created'
   */
  readonly topicName?: string;

  /**
   * Whether CloudFormation refuses to delete the stage's stack.
   *
   * @default false
   */
  readonly terminationProtection?: boolean;
}

/** A {@link StageConfig} with every default applied: what the app factory consumes. */
export interface ResolvedStageConfig {
  /** Stage name. */
  readonly stageName: StageName;
  /** AWS account, or `undefined` for an environment-agnostic stack. */
  readonly account: string | undefined;
  /** AWS region, or `undefined` for an environment-agnostic stack. */
  readonly region: string | undefined;
  /** Kafka topic for newly created users. */
  readonly topicName: string;
  /** Whether CloudFormation refuses to delete the stack. */
  readonly terminationProtection: boolean;
}

/**
 * Applies the documented defaults to a stage's declared settings.
 *
 * @param env where `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION` come from; injectable for tests
 */
export function resolveStageConfig(
  config: StageConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedStageConfig {
  return {
    stageName: config.stageName,
    account: config.account ?? nonEmpty(env.CDK_DEFAULT_ACCOUNT),
    region: config.region ?? nonEmpty(env.CDK_DEFAULT_REGION),
    topicName: config.topicName ?? DEFAULT_TOPIC_NAME,
    terminationProtection: config.terminationProtection ?? false,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
