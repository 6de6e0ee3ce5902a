/**
 * Run 6: the Lambda bundles exactly as `cdk synth` ships them for the dev stage: their size, and how long a
 * fresh Node.js process takes to import each one (module initialisation, i.e. the code part of a cold start).
 * No services and no AWS credentials are needed; nothing leaves the machine.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { repoRoot } from '../../tools/repo-root.js';
import { bundleComposition, type SourceMapV3 } from '../harness/bundle-composition.js';
import { median } from '../harness/median.js';
import type { BundleFigure } from '../harness/results.js';
import { round1 } from '../harness/statistics.js';

export interface BundlesOptions {
  readonly log: (message: string) => void;
  /** Fresh processes per bundle. @default 10 */
  readonly samples?: number;
}

const DEFAULT_SAMPLES = 10;
const STAGE = 'dev';
/** The region, account and stack the placeholders of unresolved CloudFormation values pretend to be in. */
export const PLACEHOLDER_REGION = 'eu-west-1';
export const PLACEHOLDER_ACCOUNT = '123456789012';
const PLACEHOLDER_STACK = `Pipeline-${STAGE}`;
/** Functions the app defines itself (lib/constructs/**); a missing one is reported in the log. */
export const PROJECT_FUNCTIONS = ['processor', 'ingest-http', 'ingest-pull', 'topics', 'migrations'] as const;
/** A bundle whose import takes longer than this is treated as hanging (e.g. on a network connection). */
const IMPORT_TIMEOUT_MS = 60_000;
const SYNTH_TIMEOUT_MS = 15 * 60_000;
/** Line prefix of the child's one result line, so that anything the bundle prints at init is ignored. */
const RESULT_MARKER = '@@bundle-init@@';

/** A resource of a synthesized CloudFormation template, as far as this scenario reads it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

type Resources = Readonly<Record<string, TemplateResource>>;

// ---------------------------------------------------------------------------------------------------------
// Pure helpers (unit-tested in test/unit/bench/scenarios/bundles.test.ts)
// ---------------------------------------------------------------------------------------------------------

/** Construct ids (or id prefixes) of functions that aws-cdk-lib adds on its own. */
const CDK_INTERNAL_SEGMENTS: readonly RegExp[] = [
  /^Custom::/, // singleton providers: VpcRestrictDefaultSG, CDKBucketDeployment, S3AutoDeleteObjects, ...
  /^LogRetention[0-9a-f]{32}$/, // log retention singleton
  /^AWS679f53fac002430cb0da5b7982bd2287$/, // AwsCustomResource singleton
  /^framework-(onEvent|onTimeout|isComplete)$/, // custom resource provider framework (cr.Provider)
  /^waiter-state-machine$/,
  /^BucketNotificationsHandler[0-9a-f]{32}$/,
];

/**
 * Scopes whose functions are named by their role only (`Ingestion/HttpFunction`) and that the project
 * qualifies (lambdas/ingest-http, POWERTOOLS_SERVICE_NAME=ingest-http).
 */
const SCOPE_QUALIFIERS: Readonly<Record<string, string>> = { Ingestion: 'ingest' };

function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

/**
 * The report name of a function from its construct path (`Metadata['aws:cdk:path']`), e.g.
 * `Pipeline-dev/Processing/Processor/Function/Resource` → `processor`,
 * `Pipeline-dev/Ingestion/HttpFunction/Function/Resource` → `ingest-http`; `undefined` for the functions
 * aws-cdk-lib adds itself (provider frameworks, BucketDeployment, log retention, ...).
 *
 * Project functions are `PipelineFunction`s (lib/constructs/shared/pipeline-function.ts): the construct the
 * app names, holding a NodejsFunction `Function` whose CfnFunction is `Resource`.
 */
export function functionNameFromPath(cdkPath: string): string | undefined {
  const segments = cdkPath.split('/').filter((segment) => segment !== '');
  // The first segment is the stack (or a stage's stack path); no function lives directly in it.
  const inStack = segments.slice(1);
  if (inStack.some((segment) => CDK_INTERNAL_SEGMENTS.some((pattern) => pattern.test(segment)))) {
    return undefined;
  }
  const parts = [...inStack];
  if (parts.at(-1) === 'Resource') parts.pop();
  while (parts.length > 1 && parts.at(-1) === 'Function') parts.pop(); // a PipelineFunction's own 'Function' levels
  const own = parts.at(-1);
  if (own === undefined) return undefined;
  const base = kebab(own.replace(/(.)Function$/, '$1'));
  const scope = parts.at(-2);
  const qualifier = scope === undefined ? undefined : SCOPE_QUALIFIERS[scope];
  if (qualifier === undefined || base.startsWith(`${qualifier}-`)) return base;
  return `${qualifier}-${base}`;
}

const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': PLACEHOLDER_REGION,
  'AWS::AccountId': PLACEHOLDER_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': PLACEHOLDER_STACK,
  'AWS::StackId': `arn:aws:cloudformation:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:stack/${PLACEHOLDER_STACK}/00000000-0000-0000-0000-000000000000`,
  'AWS::NoValue': '',
  'AWS::NotificationARNs': '',
};

const PLACEHOLDER_UUID = '00000000-0000-0000-0000-000000000000';

function physicalName(logicalId: string): string {
  return logicalId.toLowerCase();
}

/** `AWS::MSK::Cluster` → service `kafka`, kind `cluster`. */
function arnFor(logicalId: string, resource: TemplateResource | undefined): string {
  const name = physicalName(logicalId);
  const prefix = (service: string) => `arn:aws:${service}:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}`;
  switch (resource?.Type) {
    case 'AWS::MSK::Cluster':
    case 'AWS::MSK::ServerlessCluster':
      return `${prefix('kafka')}:cluster/${name}/${PLACEHOLDER_UUID}-1`;
    case 'AWS::SecretsManager::Secret':
      return `${prefix('secretsmanager')}:secret:${name}-AbCdEf`;
    case 'AWS::Lambda::Function':
      return `${prefix('lambda')}:function:${name}`;
    case 'AWS::SNS::Topic':
      return `${prefix('sns')}:${name}`;
    case 'AWS::SQS::Queue':
      return `${prefix('sqs')}:${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    default: {
      const [, service = 'placeholder', kind = 'resource'] = (resource?.Type ?? '').split('::');
      return `${prefix(service.toLowerCase())}:${kebab(kind)}/${name}`;
    }
  }
}

/** What `Ref` returns for the resource types whose Ref is not simply the physical name. */
function refFor(logicalId: string, resource: TemplateResource | undefined): string {
  switch (resource?.Type) {
    case 'AWS::SecretsManager::Secret':
    case 'AWS::MSK::Cluster':
    case 'AWS::MSK::ServerlessCluster':
    case 'AWS::SNS::Topic':
      return arnFor(logicalId, resource);
    case 'AWS::SQS::Queue':
      return `https://sqs.${PLACEHOLDER_REGION}.amazonaws.com/${PLACEHOLDER_ACCOUNT}/${physicalName(logicalId)}`;
    default:
      return physicalName(logicalId);
  }
}

function portFor(resource: TemplateResource | undefined): string {
  const declared = resource?.Properties?.Port;
  if (typeof declared === 'number' || (typeof declared === 'string' && /^\d+$/.test(declared))) {
    return String(declared);
  }
  const engine = String(
    resource?.Properties?.Engine ?? resource?.Properties?.EngineFamily ?? '',
  ).toLowerCase();
  if (engine.includes('postgres')) return '5432';
  if (engine.includes('mysql') || engine.includes('maria') || engine.includes('aurora')) return '3306';
  return '443';
}

function getAttFor(logicalId: string, attribute: string, resource: TemplateResource | undefined): string {
  if (/Arn$/i.test(attribute)) return arnFor(logicalId, resource);
  if (/Port$/.test(attribute)) return portFor(resource);
  if (/Url$/i.test(attribute)) return `https://${physicalName(logicalId)}.example.com`;
  if (/(Endpoint|Address|DnsName|DNSName|Host(name)?)/.test(attribute)) {
    return `${physicalName(logicalId)}.placeholder.${PLACEHOLDER_REGION}.amazonaws.com`;
  }
  return kebab(`${logicalId}-${attribute}`);
}

/**
 * A plausible string for an environment variable value of a synthesized template: literals as they are,
 * CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, ...) resolved to placeholders of the
 * right shape (an MSK cluster ARN for a cluster's `Arn`, a host name for an `Endpoint`, ...), so that the
 * function's configuration parsing at module scope accepts them as it would in Lambda.
 */
export function placeholderFor(value: unknown, resources: Resources): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => placeholderFor(item, resources)).join(',');
  if (typeof value !== 'object') return String(value);
  const entries = Object.entries(value as Record<string, unknown>);
  const [key, argument] = entries[0] ?? [];
  if (entries.length !== 1 || key === undefined) return 'placeholder';
  switch (key) {
    case 'Ref': {
      const target = String(argument);
      return PSEUDO_PARAMETERS[target] ?? refFor(target, resources[target]);
    }
    case 'Fn::GetAtt': {
      const [logicalId = '', ...rest] = Array.isArray(argument)
        ? argument.map((part) => placeholderFor(part, resources))
        : String(argument).split('.');
      return getAttFor(logicalId, rest.join('.'), resources[logicalId]);
    }
    case 'Fn::Join': {
      const [separator, parts] = Array.isArray(argument) ? argument : [];
      const list = Array.isArray(parts) ? parts : [parts];
      return list.map((part) => placeholderFor(part, resources)).join(String(separator ?? ''));
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
      const locals = (variables ?? {}) as Record<string, unknown>;
      return String(template).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        if (name in locals) return placeholderFor(locals[name], resources);
        const [logicalId = '', ...attribute] = name.split('.');
        return attribute.length > 0
          ? placeholderFor({ 'Fn::GetAtt': [logicalId, attribute.join('.')] }, resources)
          : placeholderFor({ Ref: name }, resources);
      });
    }
    case 'Fn::Select': {
      const [index, list] = Array.isArray(argument) ? argument : [];
      if (Array.isArray(list)) return placeholderFor(list[Number(index)], resources);
      return placeholderFor(list, resources).split(',')[Number(index)] ?? 'placeholder';
    }
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${PLACEHOLDER_REGION}${zone}`).join(',');
    case 'Fn::If': {
      const [, whenTrue] = Array.isArray(argument) ? argument : [];
      return placeholderFor(whenTrue, resources);
    }
    case 'Fn::Base64':
      return Buffer.from(placeholderFor(argument, resources)).toString('base64');
    case 'Fn::ImportValue':
      return `imported-${kebab(placeholderFor(argument, resources))}`;
    default:
      return 'placeholder';
  }
}

/** `Environment.Variables` of a function with every unresolved value replaced by a placeholder. */
export function resolveEnvironment(
  variables: Readonly<Record<string, unknown>> | undefined,
  resources: Resources,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables ?? {}))
    resolved[name] = placeholderFor(value, resources);
  return resolved;
}

/** Median (mean of the middle two for an even count), min and max, in ms with one decimal. */
export function summarize(values: readonly number[]): BundleFigure['coldInitMs'] {
  if (values.length === 0) throw new RangeError('summarize needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: round1(median(sorted)),
    min: round1(sorted[0] as number),
    max: round1(sorted[sorted.length - 1] as number),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Synth and measurement
// ---------------------------------------------------------------------------------------------------------

interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function synthesize(outDir: string, log: (message: string) => void): Promise<void> {
  const cli = join(repoRoot, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '-c', `stage=${STAGE}`, '--output', outDir, '--quiet', '--no-notices'];
  log(`cdk synth -c stage=${STAGE} (esbuild bundling) into ${outDir} ...`);
  const started = performance.now();
  const result = await run(cli, args, {
    cwd: repoRoot,
    // No telemetry and no notices: synth must not need the network.
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeoutMs: SYNTH_TIMEOUT_MS,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.code !== 0) {
    const why = result.timedOut
      ? `timed out after ${SYNTH_TIMEOUT_MS / 1000} s`
      : `exited ${result.code ?? result.signal}`;
    throw new Error(`cdk synth -c stage=${STAGE} ${why}:\n${tail(`${result.stdout}\n${result.stderr}`)}`);
  }
  log(`cdk synth done in ${seconds.toFixed(1)} s`);
}

/** The bundle's make-up by package, when it ships a source map beside it (`<file>.map`). */
async function compositionOf(file: string): Promise<Pick<BundleFigure, 'composition'>> {
  const map = await readFile(`${file}.map`, 'utf8').catch(() => undefined);
  if (map === undefined) return {};
  return { composition: bundleComposition(await readFile(file, 'utf8'), JSON.parse(map) as SourceMapV3) };
}

async function templateFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Nested cloud assemblies (stages) live in `assembly-*` directories; asset directories hold no templates.
    if (entry.isDirectory() && entry.name.startsWith('assembly-')) found.push(...(await templateFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.template.json')) found.push(path);
  }
  return found.sort();
}

async function directoryBytes(dir: string): Promise<{ total: number; maps: number }> {
  let total = 0;
  let maps = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const { size } = await stat(join(entry.parentPath, entry.name));
    total += size;
    if (entry.name.endsWith('.map')) maps += size;
  }
  return { total, maps };
}

interface SynthesizedFunction {
  readonly name: string;
  readonly cdkPath: string;
  readonly file: string;
  readonly exportName: string;
  readonly bytes: number;
  readonly sourceMapBytes: number;
  readonly memorySizeMiB: number | undefined;
  readonly environment: Record<string, string>;
}

async function bundleFile(assetDir: string, handler: string, name: string): Promise<[string, string]> {
  const dot = handler.lastIndexOf('.');
  const module = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  for (const extension of ['.mjs', '.js', '.cjs']) {
    const file = join(assetDir, `${module}${extension}`);
    if ((await stat(file).catch(() => undefined))?.isFile()) return [file, exportName];
  }
  throw new Error(`${name}: no ${module}.mjs or ${module}.js in its asset directory ${assetDir}`);
}

async function synthesizedFunctions(
  outDir: string,
  log: (message: string) => void,
): Promise<SynthesizedFunction[]> {
  const functions: SynthesizedFunction[] = [];
  for (const templatePath of await templateFiles(outDir)) {
    const template = JSON.parse(await readFile(templatePath, 'utf8')) as { Resources?: Resources };
    const resources = template.Resources ?? {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const cdkPath = String(resource.Metadata?.['aws:cdk:path'] ?? logicalId);
      const runtime = String(resource.Properties?.Runtime ?? '');
      if (typeof assetPath !== 'string') continue; // inline code or an image
      const name = functionNameFromPath(cdkPath);
      if (name === undefined || !runtime.startsWith('nodejs')) continue;
      const assetDir = resolve(dirname(templatePath), assetPath);
      if (!(await stat(assetDir).catch(() => undefined))?.isDirectory()) {
        throw new Error(`${name} (${cdkPath}): asset ${assetPath} is not a directory`);
      }
      const [file, exportName] = await bundleFile(
        assetDir,
        String(resource.Properties?.Handler ?? 'index.handler'),
        name,
      );
      const { total, maps } = await directoryBytes(assetDir);
      const environment = resolveEnvironment(
        (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
        resources,
      );
      if (environment.POWERTOOLS_SERVICE_NAME !== undefined && environment.POWERTOOLS_SERVICE_NAME !== name) {
        log(
          `note: ${cdkPath} is reported as ${name}, its POWERTOOLS_SERVICE_NAME is ${environment.POWERTOOLS_SERVICE_NAME}`,
        );
      }
      const functionName = resource.Properties?.FunctionName;
      environment.AWS_LAMBDA_FUNCTION_NAME =
        typeof functionName === 'string' ? functionName : `${PLACEHOLDER_STACK}-${logicalId}`;
      const memory = resource.Properties?.MemorySize;
      functions.push({
        name,
        cdkPath,
        file,
        exportName,
        bytes: total,
        sourceMapBytes: maps,
        memorySizeMiB: typeof memory === 'number' ? memory : undefined,
        environment,
      });
    }
  }
  const names = functions.map((fn) => fn.name);
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) throw new Error(`two functions are both reported as ${duplicates.join(', ')}`);
  const missing = PROJECT_FUNCTIONS.filter((name) => !names.includes(name));
  if (missing.length > 0) log(`warning: no bundle found for ${missing.join(', ')} in the ${STAGE} synth`);
  return functions.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The child: time `import()` of the bundle with `performance.now()`, so Node's own start-up is excluded (it is
 * reported separately: `performance.now()` at the first line is the time since the process started).
 */
const CHILD_SCRIPT = `
import { pathToFileURL } from 'node:url';
const startupMs = performance.now();
const [file, exportName] = process.argv.slice(1);
const started = performance.now();
const mod = await import(pathToFileURL(file).href);
const importMs = performance.now() - started;
if (typeof mod[exportName] !== 'function') {
  throw new Error(file + ' does not export a function named ' + exportName);
}
process.stdout.write('\\n${RESULT_MARKER}' + JSON.stringify({ importMs, startupMs }) + '\\n');
// Clients created at module scope may hold timers or sockets; the measurement is done.
process.exit(0);
`;

/** The environment Lambda gives a function at init, plus the function's own variables from the template. */
function lambdaEnvironment(fn: SynthesizedFunction): NodeJS.ProcessEnv {
  const memory = String(fn.memorySizeMiB ?? 128);
  const handler = `${fn.file.replace(/^.*[\\/]/, '').replace(/\.[cm]?js$/, '')}.${fn.exportName}`;
  // Not process.env: nothing of the developer's shell (KAFKA_BROKERS, NODE_OPTIONS of tsx, ...) may leak in.
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: PLACEHOLDER_REGION,
    AWS_DEFAULT_REGION: PLACEHOLDER_REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_LAMBDA_LOG_LEVEL: 'INFO',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'bench-placeholder-session-token',
    // The SDK must not try the instance metadata service for anything (region, credentials).
    AWS_EC2_METADATA_DISABLED: 'true',
    LAMBDA_TASK_ROOT: dirname(fn.file),
    _HANDLER: handler,
    ...fn.environment,
  };
}

interface InitSample {
  readonly importMs: number;
  readonly startupMs: number;
}

async function importOnce(fn: SynthesizedFunction): Promise<InitSample> {
  const result = await run(
    process.execPath,
    ['--input-type=module', '-e', CHILD_SCRIPT, fn.file, fn.exportName],
    {
      cwd: dirname(fn.file),
      env: lambdaEnvironment(fn),
      timeoutMs: IMPORT_TIMEOUT_MS,
    },
  );
  const line = result.stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(RESULT_MARKER));
  if (result.code !== 0 || line === undefined) {
    const why = result.timedOut
      ? `did not finish within ${IMPORT_TIMEOUT_MS / 1000} s (a connection or timer at module scope?)`
      : `failed (exit ${result.code ?? result.signal})`;
    throw new Error(
      `Importing the ${fn.name} bundle (${fn.file}) ${why}:\n${tail(result.stderr || result.stdout)}`,
    );
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as InitSample;
}

const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;

/**
 * Synthesizes the dev stage into a temporary directory, then measures every project function's bundle:
 * bytes of its asset directory (bundle and source map, as uploaded) and the time a fresh Node.js process
 * needs to import it, `samples` times.
 */
export async function measureBundles(options: BundlesOptions): Promise<BundleFigure[]> {
  const { log } = options;
  const samples = options.samples ?? DEFAULT_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`samples must be a positive integer, got ${samples}`);
  const workDir = await mkdtemp(join(tmpdir(), 'bench-bundles-'));
  try {
    const outDir = join(workDir, 'cdk.out');
    await synthesize(outDir, log);
    // The bundles keep `@aws-sdk/*` external because the nodejs24.x runtime provides it. Stand in for the
    // runtime's copy with the repository's, and with nothing else: any other unbundled import still fails.
    await mkdir(join(workDir, 'node_modules'));
    await symlink(
      join(repoRoot, 'node_modules', '@aws-sdk'),
      join(workDir, 'node_modules', '@aws-sdk'),
      'dir',
    );

    const figures: BundleFigure[] = [];
    for (const fn of await synthesizedFunctions(outDir, log)) {
      // Measured on the local Node.js (process.version, 20 here) while Lambda runs nodejs24.x, and on an
      // unthrottled CPU: Lambda gives a 256 MiB function a fraction of a vCPU, so its init takes longer. The
      // figures compare bundles with each other and over time; they are not Lambda's Init Duration.
      const importMs: number[] = [];
      const startupMs: number[] = [];
      for (let i = 0; i < samples; i++) {
        const sample = await importOnce(fn);
        importMs.push(sample.importMs);
        startupMs.push(sample.startupMs);
      }
      const coldInitMs = summarize(importMs);
      figures.push({
        functionName: fn.name,
        bytes: fn.bytes,
        codeBytes: fn.bytes - fn.sourceMapBytes,
        coldInitMs,
        samples,
        ...(await compositionOf(fn.file)),
      });
      log(
        `${fn.name}: ${kib(fn.bytes)} (${kib(fn.bytes - fn.sourceMapBytes)} code + ${kib(fn.sourceMapBytes)} source map), ` +
          `init median ${coldInitMs.median.toFixed(1)} ms (min ${coldInitMs.min.toFixed(1)}, max ${coldInitMs.max.toFixed(1)}, ` +
          `${samples} samples; node ${process.version} start-up before it ${summarize(startupMs).median.toFixed(1)} ms)`,
      );
    }
    return figures;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
