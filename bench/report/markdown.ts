import { speedAdjustedDifference } from '../harness/paired-rounds.js';
import {
  type BenchResults,
  type Bottleneck,
  type CeilingRun,
  type ConsolePipelineRun,
  ceilingsOf,
  type ProcessUsage,
  type RunUsage,
} from '../harness/results.js';
import { formatMs, formatNumber } from './chart-svg.js';

/**
 * Renders the human summary of one `BenchResults`: goals first, then one section per figure, each closing
 * with where its limit lies. Pure: the caller writes the file and the chart next to it.
 */

const NOT_RUN = '_not run_';

type Cell = string | number;

export function renderMarkdown(results: BenchResults, chartFileName: string): string {
  const sections: string[][] = [
    headerSection(results, chartFileName),
    goalsSection(results),
    skippedSection(results),
    processorSection(results),
    ceilingSection(results),
    httpSection(results),
    endToEndSection(results),
    recordCpuSection(results),
    bundlesSection(results),
    consoleCostSection(results),
    backlogDrainSection(results),
    peakRssSection(results),
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}

function headerSection(results: BenchResults, chartFileName: string): string[] {
  const { machine } = results;
  const machineLine =
    `${formatNumber(machine.cpus)} cores (${inline(machine.cpuModel)}), ${formatNumber(machine.memoryGiB, 1)} GiB, ` +
    `Node ${inline(machine.node)}, ${inline(`${machine.platform} ${machine.kernel}`.trim())}`;
  const versions = Object.entries(results.versions).map(([name, version]) => `${name} ${version}`);
  const parameters = Object.entries(results.parameters).map(
    ([name, value]) => `${name}=${parameterValue(value)}`,
  );
  return [
    '# Pipeline benchmark',
    '',
    `- **Date:** ${inline(results.at)}`,
    `- **Machine:** ${machineLine}`,
    `- **Versions:** ${versions.length > 0 ? inline(versions.join(', ')) : 'not recorded'}`,
    `- **Parameters:** ${parameters.length > 0 ? `\`${parameters.join(' ').replaceAll('`', "'")}\`` : 'defaults'}`,
    '',
    `![chart](${linkDestination(chartFileName)})`,
  ];
}

function goalsSection(results: BenchResults): string[] {
  if (results.goals.length === 0) {
    return ['## Goals', '', 'No goals evaluated.'];
  }
  return [
    '## Goals',
    '',
    ...table(
      ['goal', 'target', 'measured', 'met', 'explanation'],
      'lllcl',
      results.goals.map((goal) => [
        goal.goal,
        goal.target,
        goal.measured,
        goal.met ? '✅' : '❌',
        goal.explanation,
      ]),
    ),
  ];
}

function skippedSection(results: BenchResults): string[] {
  if (results.skipped.length === 0) {
    return [];
  }
  return ['## Skipped', '', ...results.skipped.map((reason) => `- ${inline(reason)}`)];
}

function processorSection(results: BenchResults): string[] {
  const title = '## Processor throughput';
  if (results.processor.length === 0) {
    return [title, '', NOT_RUN];
  }
  const runs = [...results.processor].sort(
    (a, b) => (a.repeat ?? 1) - (b.repeat ?? 1) || a.batchSize - b.batchSize || a.partitions - b.partitions,
  );
  const { ceiling } = results;
  const rows = runs.map((run) => [
    formatNumber(run.repeat ?? 1),
    formatNumber(run.batchSize),
    formatNumber(run.partitions),
    formatNumber(run.events),
    formatNumber(run.seconds, 2),
    formatNumber(run.recordsPerSecond),
    // 0 means the ceiling was not run, not that the processor wrote nothing.
    ceiling === null || run.ratioToCeiling === 0 ? '—' : formatNumber(run.ratioToCeiling, 2),
    `${formatNumber(run.invocations)} (${formatNumber(run.failedInvocations)} failed)`,
    formatNumber(run.processorPeakRssMiB, 1),
    percent(run.machineCpuPercent),
    processCpu(run.processes),
    run.bottleneck.label,
  ]);
  const ceilingLine =
    ceiling === null
      ? 'The raw ceiling was not run, so there is no ratio to it.'
      : `Ratio to ceiling: records/s over the raw ceiling measured in the same run (repeat), ${ceilingRates(results)}.`;
  return [
    title,
    '',
    'Pre-produced events through the local MSK bridge and the processor handler into PostgreSQL and Cassandra. ' +
      ceilingLine,
    '',
    ...table(
      [
        'run',
        'batch size',
        'partitions',
        'events',
        'seconds',
        'records/s (both stores)',
        'ratio to ceiling',
        'invocations',
        'processor peak RSS (MiB)',
        'machine CPU',
        'CPU per process',
        'bottleneck',
      ],
      'rrrrrrrrrrll',
      rows,
    ),
    '',
    ...usageNotes(),
    '',
    ...bottlenecks(
      runs.map((run) => [
        `run ${run.repeat ?? 1}, batch ${formatNumber(run.batchSize)}, ${partitions(run.partitions)}`,
        run,
      ]),
    ),
  ];
}

/** The ceilings of every repeat ('7,641 records/s' or 'run 1: 7,641, run 2: 7,320 records/s'). */
function ceilingRates(results: BenchResults): string {
  const ceilings = ceilingsOf(results);
  if (ceilings.length === 1) return `${formatNumber((ceilings[0] as CeilingRun).recordsPerSecond)} records/s`;
  return `${ceilings.map((c) => `run ${c.repeat ?? 1}: ${formatNumber(c.recordsPerSecond)}`).join(', ')} records/s`;
}

function ceilingSection(results: BenchResults): string[] {
  const title = '## Raw write ceiling';
  const ceilings = ceilingsOf(results);
  if (ceilings.length === 0) {
    return [title, '', NOT_RUN];
  }
  return [
    title,
    '',
    "The processor's rows written straight to the stores with plain client code: the upper bound it is " +
      'measured against.',
    '',
    ...table(
      [
        'run',
        'events',
        'seconds',
        'both stores records/s',
        'PostgreSQL alone',
        'Cassandra alone',
        'machine CPU',
        'CPU per process',
        'method',
      ],
      'rrrrrrrll',
      ceilings.map((ceiling) => [
        formatNumber(ceiling.repeat ?? 1),
        formatNumber(ceiling.events),
        formatNumber(ceiling.seconds, 2),
        formatNumber(ceiling.recordsPerSecond),
        formatNumber(ceiling.postgresAloneRecordsPerSecond),
        formatNumber(ceiling.cassandraAloneRecordsPerSecond),
        percent(ceiling.machineCpuPercent),
        processCpu(ceiling.processes),
        ceiling.method,
      ]),
    ),
    '',
    ...usageNotes(),
    '',
    ...bottlenecks(ceilings.map((ceiling) => [`raw ceiling, run ${ceiling.repeat ?? 1}`, ceiling])),
  ];
}

function httpSection(results: BenchResults): string[] {
  const title = '## HTTP push API';
  if (results.http.length === 0) {
    return [title, '', NOT_RUN];
  }
  const runs = [...results.http].sort(
    (a, b) => a.usersPerRequest - b.usersPerRequest || a.connections - b.connections,
  );
  const rows = runs.map((run) => [
    formatNumber(run.connections),
    formatNumber(run.usersPerRequest),
    formatNumber(run.durationSeconds, 1),
    formatNumber(run.requests),
    formatNumber(run.requestsPerSecond),
    formatNumber(run.usersPerSecond),
    formatMs(run.latencyMs.p50),
    formatMs(run.latencyMs.p90),
    formatMs(run.latencyMs.p99),
    formatMs(run.latencyMs.max),
    formatNumber(run.non2xx),
    formatNumber(run.errors),
    percent(run.machineCpuPercent),
    processCpu(run.processes),
  ]);
  return [
    title,
    '',
    ...table(
      [
        'connections',
        'users/request',
        'seconds',
        'requests',
        'requests/s',
        'users/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'non-2xx',
        'errors',
        'machine CPU',
        'CPU per process',
      ],
      'rrrrrrrrrrrrrl',
      rows,
    ),
    '',
    ...usageNotes(),
    '',
    ...bottlenecks(
      runs.map((run) => [
        `${formatNumber(run.connections)} connections${run.usersPerRequest > 1 ? ` × ${formatNumber(run.usersPerRequest)} users` : ''}`,
        run,
      ]),
    ),
  ];
}

function endToEndSection(results: BenchResults): string[] {
  const title = '## End-to-end latency';
  if (results.endToEnd.length === 0) {
    return [title, '', NOT_RUN];
  }
  const runs = [...results.endToEnd].sort(
    (a, b) => (a.stage ?? '').localeCompare(b.stage ?? '') || a.offeredPerSecond - b.offeredPerSecond,
  );
  const rows = runs.map((run) => [
    run.stage ?? '—',
    run.batchSize === undefined ? '—' : formatNumber(run.batchSize),
    formatNumber(run.batchWindowMs),
    run.alarmP99Ms === undefined ? '—' : formatNumber(run.alarmP99Ms),
    formatNumber(run.offeredPerSecond),
    formatNumber(run.achievedPerSecond),
    formatNumber(run.rejected),
    formatNumber(run.events),
    formatMs(run.latencyMs.p50),
    formatMs(run.latencyMs.p90),
    formatMs(run.latencyMs.p99),
    formatMs(run.latencyMs.max),
    formatNumber(run.unconfirmed),
    percent(run.machineCpuPercent),
    processCpu(run.processes),
  ]);
  return [
    title,
    '',
    "From the 202 response to the event being readable in both PostgreSQL and Cassandra, with each stage's own " +
      'event source mapping settings (`npm start --stage`: batch size and batching window from bin/config). ' +
      'Users are pushed every 10 ms in one request carrying the users due; the first user of each request is ' +
      'tracked (the percentiles are over those) and the row counts at the end must account for every accepted ' +
      'user (unconfirmed: those missing). Achieved/s counts users answered 202; rejected ones got another ' +
      "status or an error. p99 alarm: the stage's own end-to-end latency alarm threshold.",
    '',
    ...table(
      [
        'stage',
        'batch',
        'window ms',
        'p99 alarm ms',
        'offered/s',
        'achieved/s',
        'rejected',
        'events',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'unconfirmed',
        'machine CPU',
        'CPU per process',
      ],
      'lrrrrrrrrrrrrrl',
      rows,
    ),
    '',
    ...usageNotes(),
    '',
    ...bottlenecks(
      runs.map((run) => [
        `${run.stage ? `${run.stage}, ` : ''}offered ${formatNumber(run.offeredPerSecond)}/s`,
        run,
      ]),
    ),
  ];
}

function backlogDrainSection(results: BenchResults): string[] {
  const title = '## Backlog drain';
  const drain = results.backlogDrain;
  if (!drain) return [title, '', NOT_RUN];
  const counts = Object.entries(drain.rows.cassandra)
    .map(([table, n]) => `${inline(table)} ${formatNumber(n)}`)
    .join(', ');
  return [
    title,
    '',
    `${formatNumber(drain.events)} events pre-produced (at ${formatNumber(drain.produceRatePerSecond)}/s) to ` +
      `${drain.partitions} partitions, then drained by the local MSK bridge and ${drain.partitions} processor ` +
      `containers with ${drain.stage}'s mapping settings (batch ${formatNumber(drain.batchSize)}, window ` +
      `${formatNumber(drain.batchWindowMs)} ms, its retries, bisection and failure topic).`,
    '',
    `- **Drain:** ${formatNumber(drain.records)} records in ${formatNumber(drain.seconds, 2)} s = ` +
      `**${formatNumber(drain.drainRatePerSecond)}/s**; ${formatNumber(drain.invocations)} invocations ` +
      `(${formatNumber(drain.failedInvocations)} failed); **${formatNumber(drain.failedRecords)} failed records**`,
    `- **Rows:** PostgreSQL users ${formatNumber(drain.rows.postgres)}; Cassandra ${counts}`,
    `- **Bridge RSS over the second half:** ${drain.bridge.secondHalf.slopeMiBPerMinute} MiB/min`,
    '',
    ...(drain.containers.some((c) => c.invocations !== undefined)
      ? [
          "Each container's second half starts when it had taken half of its invocations: the pool hands an " +
            'invocation to the first idle container, so later containers work less and start later.',
          '',
        ]
      : []),
    ...table(
      [
        'container',
        'invocations',
        'peak RSS MiB',
        'second half: MiB/min',
        'second half: growth MiB',
        'samples',
      ],
      'rrrrrr',
      drain.containers.map((c, i) => [
        formatNumber(i + 1),
        c.invocations === undefined ? '—' : formatNumber(c.invocations),
        formatNumber(c.peakRssMiB, 1),
        formatNumber(c.secondHalf.slopeMiBPerMinute, 1),
        formatNumber(c.secondHalf.growthMiB, 1),
        formatNumber(c.secondHalf.samples),
      ]),
    ),
    '',
    ...usageNotes(),
    '',
    ...bottlenecks([[`drain of ${formatNumber(drain.events)}`, drain]]),
  ];
}

function recordCpuSection(results: BenchResults): string[] {
  const title = '## CPU per record';
  const { recordCpu } = results;
  if (recordCpu === null) {
    return [title, '', NOT_RUN];
  }
  const micros = recordCpu.microsPerRecord;
  const stages: [string, number][] = [
    ['decode (base64 key, value, headers)', micros.decode],
    ['parse (UTF-8 + JSON.parse)', micros.parse],
    ['validate (zod contract)', micros.validate],
    ['transform (PostgreSQL and Cassandra rows)', micros.transform],
  ];
  const share = (value: number): string => (micros.total > 0 ? percent((value / micros.total) * 100) : '—');
  return [
    title,
    '',
    `Measured over ${formatNumber(recordCpu.records)} records. Stages are timed separately; the total is timed ` +
      'in one pass, so the stages need not add up to it exactly.',
    '',
    ...table(['stage', 'µs per record', 'share of total'], 'lrr', [
      ...stages.map(([stage, value]) => [stage, formatNumber(value, 2), share(value)]),
      ['**total**', `**${formatNumber(micros.total, 2)}**`, ''],
    ]),
  ];
}

function bundlesSection(results: BenchResults): string[] {
  const title = '## Lambda bundles';
  if (results.bundles.length === 0) {
    return [title, '', NOT_RUN];
  }
  return [
    title,
    '',
    'As `cdk synth` ships them; cold init is a fresh Node process importing the bundle.',
    '',
    ...table(
      [
        'function',
        'code (KB)',
        'with source map (KB)',
        'init median ms',
        'init min ms',
        'init max ms',
        'samples',
      ],
      'lrrrrrr',
      results.bundles.map((bundle) => [
        bundle.functionName,
        formatFixed(bundle.codeBytes / 1024, 1),
        formatFixed(bundle.bytes / 1024, 1),
        formatMs(bundle.coldInitMs.median),
        formatMs(bundle.coldInitMs.min),
        formatMs(bundle.coldInitMs.max),
        formatNumber(bundle.samples),
      ]),
    ),
    '',
    'KB = 1,024 bytes.',
    ...compositionLines(results.bundles.find((bundle) => bundle.functionName === 'processor')),
  ];
}

/** The processor bundle's bytes by package, from its source map (results before it have none). */
function compositionLines(bundle: BenchResults['bundles'][number] | undefined): string[] {
  if (!bundle?.composition?.length) return [];
  return [
    '',
    "The processor's code by package (attributed byte by byte through its source map):",
    '',
    ...table(
      ['package', 'KB', 'share'],
      'lrr',
      bundle.composition.map((part) => [
        part.name,
        formatFixed(part.bytes / 1024, 1),
        `${Math.round((part.bytes / bundle.codeBytes) * 100)}%`,
      ]),
    ),
  ];
}

/** How each console run was warmed up, when the result says. */
function warmUpOf(cost: NonNullable<BenchResults['consoleCost']>): string {
  return cost.warmUpSeconds === undefined
    ? ''
    : ` (after ${formatNumber(cost.warmUpSeconds)} unmeasured seconds at the same rate and a PostgreSQL CHECKPOINT)`;
}

/** The rounds run first and not counted, when the result says. */
function burnInOf(cost: NonNullable<BenchResults['consoleCost']>): string {
  if (!cost.burnInRounds) return '';
  const rounds = cost.burnInRounds === 1 ? 'one round' : `${formatNumber(cost.burnInRounds)} rounds`;
  return ` (after ${rounds} run first and not counted: the first runs after the preload stand apart)`;
}

function consoleCostSection(results: BenchResults): string[] {
  const title = '## Local console cost';
  const cost = results.consoleCost;
  if (!cost) {
    return [title, '', NOT_RUN];
  }
  if (!cost.runs) return [title, '', ...oneRunEachConsoleCost(cost)];
  const row = (name: string, run: ConsolePipelineRun) => [
    name,
    finePercent(run.projectCpuPercent ?? 0),
    finePercent(run.cpuPercent),
    finePercent(run.machineCpuPercent),
    formatNumber(run.peakRssMiB, 1),
    `${formatNumber(run.acceptedUsers)} of ${formatNumber(cost.offeredUsers)}`,
    formatNumber(run.seconds, 1),
  ];
  return [
    title,
    '',
    `The bench tables held ${formatNumber(cost.preloadedUsers ?? 0)} users. The whole local pipeline (\`npm start\` ` +
      `as a child process) then took ${formatNumber(cost.ratePerSecond)} users/s for ${formatNumber(cost.seconds)} s ` +
      `per run${warmUpOf(cost)}, in ${formatNumber(cost.runs.length / 2)} rounds of two runs${burnInOf(cost)}, interleaved: ` +
      'with `--no-console` and ' +
      `with the console on and a client fetching its state every ${formatNumber(cost.pollIntervalMs / 1000)} s as ` +
      'the page does. Project CPU is every process of the project (the pipeline process with its threads and ' +
      'children, Kafka, Cassandra, PostgreSQL with its backends) from `/proc`: its CPU-seconds over the offered ' +
      'seconds, in % of one core, so that a run whose last answers came late is not diluted; machine CPU is ' +
      '`/proc/stat` over the span, in % of all cores.',
    '',
    ...table(
      [
        'run',
        'project CPU',
        'pipeline CPU',
        'machine CPU',
        'pipeline peak RSS (MiB)',
        'users accepted',
        'seconds',
      ],
      'lrrrrrr',
      [
        ...cost.runs.map((run) => row(`${run.round}, console ${run.console}`, run)),
        row('median, console off', cost.off),
        row('median, console on', cost.on),
      ],
    ),
    '',
    ...consoleDifferenceLines(cost),
    `- **The console's own work:** ${finePercent(cost.consoleOwnCpuPercent)} of one core: EMF parsing, storing, ` +
      'graphs and alarms, as the console counts its synchronous work.',
  ];
}

/** The console's whole cost: the mean of the ABBA rounds with its bound, or (older results) of the medians. */
function consoleDifferenceLines(cost: NonNullable<BenchResults['consoleCost']>): string[] {
  if (!cost.roundDifferencesPercent)
    return [
      `- **Difference of the medians (on − off):** ${finePercent(cost.cpuDifferencePercent)} of one core: the ` +
        "console's whole cost, its reads of the stores included; noisy when other work shares the machine.",
    ];
  const bound = cost.differenceUpperBoundPercent;
  return [
    `- **Each round's difference (on − off):** ${cost.roundDifferencesPercent.map(finePercent).join(', ')} of ` +
      'one core; odd rounds ran off then on, even rounds on then off, so a steady drift weighs on both alike.',
    `- **Mean difference:** ${finePercent(cost.cpuDifferencePercent)} of one core, the console's whole cost, ` +
      `its reads of the stores included; **95 % upper bound** ${bound === undefined ? 'n/a (one round)' : finePercent(bound)} ` +
      "(mean + Student's t × the standard error of the rounds).",
    ...(cost.processDifferencesPercent
      ? [
          `- **Where it lands (mean difference per process):** ${Object.entries(
            cost.processDifferencesPercent,
          )
            .map(([name, percent]) => `${name} ${finePercent(percent)}`)
            .join(', ')} of one core.`,
        ]
      : []),
    ...speedAdjustedLines(cost),
  ];
}

/**
 * The stores' side of the console's reads, measured apart, and the whole cost read at it with the machine's
 * speed taken out (regressed on the stores' difference): the figure the goal judges when present.
 */
function speedAdjustedLines(cost: NonNullable<BenchResults['consoleCost']>): string[] {
  const reads = cost.storeReads;
  if (!reads) return [];
  const adjusted = cost.runs ? speedAdjustedDifference(cost.runs, reads) : undefined;
  const pairs = new Set(reads.windows.map((w) => w.pair)).size;
  const readsLine =
    `- **The stores' side of the console's reads:** ${reads.perSnapshotCpuMs} ms of store CPU per snapshot, ` +
    `measured apart on a pipeline of its own with the console off at the same rate, in ${formatNumber(pairs)} ` +
    `pairs of ${formatNumber(reads.windowSeconds)} s windows (snapshots back to back, at most ` +
    `${formatNumber(reads.snapshotsPerSecond)} a second, then none; ${formatNumber(reads.acceptedUsers)} of ` +
    `${formatNumber(reads.offeredUsers)} users accepted): **${formatNumber(reads.percent, 2)}%** of one core at one snapshot ` +
    `every ${formatNumber(reads.consoleIntervalMs / 1000)} s, 97.5 % upper bound ` +
    `${reads.upperBoundPercent === undefined ? 'n/a (one pair)' : `${formatNumber(reads.upperBoundPercent, 2)}%`}.`;
  if (!adjusted) return [readsLine];
  const bound = adjusted.upperBoundPercent;
  return [
    readsLine,
    `- **The whole cost at equal machine speed${adjusted.storesAgreeWithReads ? ' (judged)' : ''}:** ` +
      `${finePercent(adjusted.percent)} of one core, 95 % ` +
      `upper bound **${bound === undefined ? 'n/a' : finePercent(bound)}**. The stores do the same work in both ` +
      "runs of a round apart from the console's reads, so their CPU shows how fast the shared machine ran: " +
      "each round's project difference is regressed on its stores' difference (correlation " +
      `${adjusted.correlation}, slope ${adjusted.storesSlope}) and read where the stores' difference is the ` +
      "reads' side above. The bound is the line's at 97.5 % with the reads' side at its own 97.5 % bound. " +
      `The rounds' stores differed by ${finePercent(adjusted.meanStoresDifferencePercent)} ± ` +
      `${finePercent(adjusted.storesDifferenceMarginPercent)} on average (95 %), the reads' side plus the machine's ` +
      'drift: ' +
      (adjusted.storesAgreeWithReads
        ? "consistent with the reads' side, as the figure assumes."
        : "not consistent with the reads' side, so the console changed the stores' work by more than its reads " +
          '(or the machine drifted one way) and the goal is judged on the raw bound instead.'),
  ];
}

/** Results written before issue 23: one run each on empty tables, the pipeline process alone. */
function oneRunEachConsoleCost(cost: NonNullable<BenchResults['consoleCost']>): string[] {
  const row = (name: string, run: ConsolePipelineRun) => [
    name,
    finePercent(run.cpuPercent),
    finePercent(run.machineCpuPercent),
    formatNumber(run.peakRssMiB, 1),
    `${formatNumber(run.acceptedUsers)} of ${formatNumber(cost.offeredUsers)}`,
    formatNumber(run.seconds, 1),
  ];
  return [
    `The whole local pipeline (\`npm start\` as a child process) took ${formatNumber(cost.ratePerSecond)} users/s ` +
      `for ${formatNumber(cost.seconds)} s twice: with \`--no-console\` (the handlers then skip writing EMF too), ` +
      `then with the console on and a client fetching its state every ${formatNumber(cost.pollIntervalMs / 1000)} s ` +
      "as the page does. Pipeline CPU is the process's, all its threads, from `/proc`.",
    '',
    ...table(
      ['console', 'pipeline CPU', 'machine CPU', 'pipeline peak RSS (MiB)', 'users accepted', 'seconds'],
      'lrrrrr',
      [row('off', cost.off), row('on', cost.on)],
    ),
    '',
    ...usageNotes(),
    '',
    `- **Difference (on − off):** ${finePercent(cost.cpuDifferencePercent)} of one core: the console's whole cost, ` +
      'noisy when other work shares the machine.',
    `- **The console's own work:** ${finePercent(cost.consoleOwnCpuPercent)} of one core: EMF parsing, storing, ` +
      'graphs and alarms, as the console counts its synchronous work.',
  ];
}

function peakRssSection(results: BenchResults): string[] {
  const title = '## Peak RSS';
  if (results.peakRss.length === 0) {
    return [title, '', NOT_RUN];
  }
  return [
    title,
    '',
    'Highest resident set size of each process over all processor runs.',
    '',
    ...table(
      ['process', 'peak RSS (MiB)'],
      'lr',
      results.peakRss.map((usage) => [usage.name, formatNumber(usage.peakRssMiB, 1)]),
    ),
  ];
}

function usageNotes(): string[] {
  return ['Machine CPU is a percentage of all cores; CPU per process is a percentage of one core.'];
}

/** One line per distinct bottleneck, naming the runs it held for (often every run shares one). */
function bottlenecks(runs: readonly (readonly [string, RunUsage])[]): string[] {
  const runNamesByBottleneck = new Map<string, string[]>();
  for (const [name, run] of runs) {
    const line = bottleneckText(run.bottleneck);
    runNamesByBottleneck.set(line, [...(runNamesByBottleneck.get(line) ?? []), name]);
  }
  return [
    runNamesByBottleneck.size === 1 ? '**Bottleneck**' : '**Bottlenecks**',
    '',
    ...[...runNamesByBottleneck].map(([line, names]) => {
      const which = names.length === runs.length && runs.length > 1 ? 'all runs' : names.join('; ');
      return `- ${inline(which)} — ${line}`;
    }),
  ];
}

function bottleneckText(bottleneck: Bottleneck): string {
  return `**${inline(bottleneck.label)}**: ${inline(bottleneck.explanation)}`;
}

/** Busiest first, so the limiting process leads the cell. */
function processCpu(processes: readonly ProcessUsage[]): string {
  if (processes.length === 0) {
    return '—';
  }
  return [...processes]
    .sort((a, b) => b.cpuPercent - a.cpuPercent || a.name.localeCompare(b.name, 'en'))
    .map((usage) => `${usage.name} ${percent(usage.cpuPercent)}`)
    .join(', ');
}

function partitions(count: number): string {
  return `${formatNumber(count)} ${count === 1 ? 'partition' : 'partitions'}`;
}

function percent(value: number): string {
  return `${formatNumber(value)}%`;
}

/** One decimal, for figures of a few percent (the console's cost). */
function finePercent(value: number): string {
  return `${formatNumber(value, 1)}%`;
}

/** Always shows the decimals (12.0 KB, not 12 KB) so a column lines up. */
function formatFixed(value: number, fractionDigits: number): string {
  return new Intl.NumberFormat('en-US', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

function parameterValue(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => parameterValue(item)).join(',');
  }
  return JSON.stringify(value) ?? String(value);
}

/** `align` has one letter per column: l(eft), r(ight) or c(enter). */
function table(headers: readonly string[], align: string, rows: readonly (readonly Cell[])[]): string[] {
  const separator = headers.map((_, index) => {
    const letter = align[index] ?? 'l';
    return letter === 'r' ? '---:' : letter === 'c' ? ':---:' : '---';
  });
  const line = (cells: readonly Cell[]): string =>
    `| ${cells.map((cell) => tableCell(String(cell))).join(' | ')} |`;
  return [line(headers), `|${separator.join('|')}|`, ...rows.map(line)];
}

function tableCell(value: string): string {
  return inline(value).replaceAll('|', '\\|');
}

/**
 * Text from the results (CPU model, explanations) is shown as written: line breaks would end a list item
 * or table row, and `<` could open an HTML tag, so both are neutralised.
 */
function inline(value: string): string {
  return value.replace(/\s*\r?\n\s*/g, ' ').replaceAll('<', '\\<');
}

/** CommonMark needs `<…>` around a destination with spaces or parentheses. */
function linkDestination(fileName: string): string {
  return /[\s()<>]/.test(fileName) ? `<${fileName.replaceAll('<', '%3C').replaceAll('>', '%3E')}>` : fileName;
}
