import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { loadStageConfig, type ResolvedStageConfig, type StageName } from '../../../bin/config/index.js';
import { createPipelineApp, pipelineStackName } from '../../../bin/pipeline-app.js';
import type { PipelineStack } from '../../../lib/stacks/pipeline-stack.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

/** The environment tests synthesize against (as if the CLI had credentials for it). */
export const TEST_ENV = { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'eu-west-1' };

/** The parts of `validation-report.json` the tests read. */
export interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
    readonly suppressedViolations?: readonly {
      readonly ruleName: string;
      readonly acknowledgedId: string;
      readonly reason: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

/** One synthesized stage. */
export interface SynthesizedStage {
  readonly config: ResolvedStageConfig;
  readonly stack: PipelineStack;
  readonly assembly: CloudAssembly;
  readonly template: Template;
  readonly json: {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
  };
  readonly report: ValidationReport;
  readonly outdir: string;
}

const cache = new Map<string, SynthesizedStage>();
const outdirs: string[] = [];

/**
 * Synthesizes a stage once per test file (cdk-nag and template validation included: synth throws on any
 * finding). `override` changes the resolved config, e.g. to try MSK Serverless.
 */
export function synthStage(
  stage: StageName,
  override?: (config: ResolvedStageConfig) => ResolvedStageConfig,
  cacheKey: string = stage,
): SynthesizedStage {
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const outdir = mkdtempSync(join(tmpdir(), `pipeline-${cacheKey}-`));
  outdirs.push(outdir);
  const base = loadStageConfig(stage, TEST_ENV);
  const config = override ? override(base) : base;
  const { app, stack } = createPipelineApp(config, {
    outdir,
    context: { ...cdkJson.context, '@aws-cdk/core:appMode': 'inmemory' },
  });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(pipelineStackName(stage));
  const json = artifact.template as SynthesizedStage['json'];
  const result: SynthesizedStage = {
    config,
    stack,
    assembly,
    template: Template.fromJSON(json),
    json,
    report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport,
    outdir,
  };
  cache.set(cacheKey, result);
  return result;
}

/** Deletes the output directories of this file's syntheses. */
export function cleanUpSyntheses(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Resources of one type, by logical id. */
export function resourcesOfType(
  stage: SynthesizedStage,
  type: string,
): Array<[string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }]> {
  return Object.entries(stage.json.Resources).filter(([, resource]) => resource.Type === type);
}
