import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type AppProps, Stack, Validations } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStageConfig, STAGE_NAMES, UnknownStageError } from '../../../bin/config/index.js';
import { createPipelineApp } from '../../../bin/pipeline-app.js';
import { repoRoot } from '../../../tools/repo-root.js';

const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Props that make an in-process app behave like `cdk synth`: the cdk.json feature flags (they decide,
 * among others, whether template validation findings are errors) and a private output directory.
 * In-memory mode makes a failed validation throw with the whole report in the message.
 */
function cliLikeAppProps(): AppProps & { outdir: string } {
  return {
    outdir: tempDir('pipeline-infra-'),
    context: { ...cdkJson.context, '@aws-cdk/core:appMode': 'inmemory' },
  };
}

/** The parts of the cloud assembly's `validation-report.json` these tests read. */
interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly ReportedViolation[];
    readonly suppressedViolations?: readonly (ReportedViolation & {
      readonly acknowledgedId: string;
      readonly reason: string;
    })[];
  }[];
}

interface ReportedViolation {
  readonly ruleName: string;
  readonly severity: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}

function readValidationReport(outdir: string): ValidationReport {
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
}

/** `ruleName @ constructPath` for every unacknowledged finding of the named rule pack. */
function findings(report: ValidationReport, pluginName: string): string[] {
  return (report.pluginReports.find((r) => r.pluginName === pluginName)?.violations ?? []).flatMap((v) =>
    v.violatingConstructs.map((c) => `${v.ruleName} @ ${c.constructPath}`),
  );
}

describe('loadStageConfig', () => {
  const noCdkEnv: NodeJS.ProcessEnv = {};

  it('selects dev when no stage is given', () => {
    expect(loadStageConfig(undefined, noCdkEnv).stageName).toBe('dev');
  });

  it.each(STAGE_NAMES)('applies the documented defaults to %s', (stage) => {
    const config = loadStageConfig(stage, noCdkEnv);
    expect(config.stageName).toBe(stage);
    expect(config.topicName).toBe('users_created');
    expect(config.terminationProtection).toBe(stage === 'prod');
  });

  it('takes account and region from the CDK CLI variables unless the stage pins them', () => {
    const env = { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'eu-west-1' };
    expect(loadStageConfig('dev', env)).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    expect(loadStageConfig('prod', {})).toMatchObject({ account: undefined, region: undefined });
    // LocalStack serves a fixed account and region.
    expect(loadStageConfig('local', env)).toMatchObject({ account: '000000000000', region: 'us-east-1' });
  });

  it.each(['qa', 'Prod', ''])(
    'rejects the unknown stage %j with a typed error naming the valid ones',
    (stage) => {
      const attempt = () => loadStageConfig(stage, noCdkEnv);
      expect(attempt).toThrow(UnknownStageError);
      expect(attempt).toThrow(/valid stages are dev, prod, local/);
      try {
        attempt();
      } catch (error) {
        expect(error).toMatchObject({ name: 'UnknownStageError', requestedStage: stage });
      }
    },
  );
});

describe('cdk-nag in the pipeline app', () => {
  // The LocalStack stage is the smallest complete pipeline app: same plugin wiring, faster synth.
  it('fails synthesis on a finding of either rule pack', () => {
    const props = cliLikeAppProps();
    const { app } = createPipelineApp(loadStageConfig('local', {}), props);
    // A queue without DLQ or TLS-only policy breaks rules of both packs.
    new Queue(new Stack(app, 'NonCompliant'), 'BareQueue');

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    const report = readValidationReport(props.outdir);
    expect(findings(report, 'AwsSolutions')).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS3 @ NonCompliant/BareQueue/Resource',
        'AwsSolutions-SQS4 @ NonCompliant/BareQueue/Resource',
      ]),
    );
    expect(findings(report, 'Serverless')).toContain(
      'Serverless-SQSRedrivePolicy @ NonCompliant/BareQueue/Resource',
    );
  });

  it('fails synthesis on a warning-level finding too', () => {
    const props = cliLikeAppProps();
    const { app } = createPipelineApp(loadStageConfig('local', {}), props);
    // No retention: a Serverless-pack warning.
    new CfnLogGroup(new Stack(app, 'WarningOnly'), 'LogsKeptForever');

    expect(() => app.synth()).toThrow(/Serverless-CloudWatchLogGroupRetentionPeriod/);
    const violations = readValidationReport(props.outdir).pluginReports.flatMap((r) => r.violations);
    expect(violations).toContainEqual(
      expect.objectContaining({
        ruleName: 'Serverless-CloudWatchLogGroupRetentionPeriod',
        severity: 'warning',
      }),
    );
  });

  it('honours an acknowledgement only on the construct it was made on, and records its reason', () => {
    const props = cliLikeAppProps();
    const { app } = createPipelineApp(loadStageConfig('local', {}), props);
    const stack = new Stack(app, 'PartlyAcknowledged');
    const acknowledgedQueue = new Queue(stack, 'AcknowledgedQueue', { enforceSSL: true });
    new Queue(stack, 'OtherQueue', { enforceSSL: true });
    const reason = 'Throwaway queue whose messages may be lost';
    // `<pack>::<rule>` keeps the finding in the report as acknowledged; the bare rule id also works
    // but makes cdk-nag drop the finding silently.
    Validations.of(acknowledgedQueue).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason },
    );

    expect(() => app.synth()).toThrow(/OtherQueue/);
    const report = readValidationReport(props.outdir);
    expect(findings(report, 'AwsSolutions')).toEqual([
      'AwsSolutions-SQS3 @ PartlyAcknowledged/OtherQueue/Resource',
    ]);
    expect(findings(report, 'Serverless')).toEqual([
      'Serverless-SQSRedrivePolicy @ PartlyAcknowledged/OtherQueue/Resource',
    ]);
    const acknowledged = report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    expect(acknowledged.map((v) => [v.acknowledgedId, v.reason])).toEqual(
      expect.arrayContaining([
        ['AwsSolutions::AwsSolutions-SQS3', reason],
        ['Serverless::Serverless-SQSRedrivePolicy', reason],
      ]),
    );
  });

  it('lets synthesis pass once every finding is acknowledged', () => {
    const props = cliLikeAppProps();
    const { app } = createPipelineApp(loadStageConfig('local', {}), props);
    const queue = new Queue(new Stack(app, 'FullyAcknowledged'), 'Queue', { enforceSSL: true });
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'Test queue; no redrive needed' },
      { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: 'Test queue; no redrive needed' },
    );

    expect(() => app.synth()).not.toThrow();
  });
});

describe('cdk synth through the CLI', () => {
  /** PATH without any directory that holds a `docker` binary (or looks like a Docker install). */
  function pathWithoutDocker(): string {
    return (process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '' && !/docker/i.test(dir))
      .filter((dir) => !['docker', 'docker.exe'].some((bin) => existsSync(join(dir, bin))))
      .join(delimiter);
  }

  /** The environment of a developer without AWS credentials, Docker, or CDK/test variables. */
  function offlineEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(AWS_|CDK_)/.test(name) && name !== 'NODE_ENV') env[name] = value;
    }
    return {
      ...env,
      PATH: pathWithoutDocker(),
      // Keep the CLI from reaching the network: no telemetry upload, no EC2 metadata credential probe.
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
    return new Promise<{ code: number | null; output: string }>((done) => {
      execFile(
        command,
        args,
        { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          done({ code, output: `${stdout}\n${stderr}` });
        },
      );
    });
  }

  it('uses the tsx entry point', () => {
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
  });

  it('synthesizes the default stage with no docker binary on PATH', { timeout: 120_000 }, async () => {
    const env = offlineEnv();
    const pathDirs = (env.PATH ?? '').split(delimiter);
    expect(pathDirs.filter((dir) => existsSync(join(dir, 'docker')))).toEqual([]);
    expect(pathDirs.some((dir) => existsSync(join(dir, 'npx')) || existsSync(join(dir, 'npx.cmd')))).toBe(
      true,
    );

    const outdir = tempDir('pipeline-cli-synth-');
    const result = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir], env);

    expect(result.code, result.output).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'Pipeline-dev.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    expect(Object.values(template.Resources).map((r) => r.Type)).toContain('AWS::SSM::Parameter');
  });
});
