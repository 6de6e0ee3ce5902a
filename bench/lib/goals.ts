import type { BenchResults, GoalVerdict } from './results.js';

/** The issue's benchmark goals; the summary reports against them (never a test assertion). */
export const GOALS = {
  ratioToCeiling: 0.8,
  endToEndRatePerSecond: 2_000,
  endToEndP99Ms: 500,
  recordCpuMicros: 5,
  processorBundleBytes: 500 * 1024,
  processorInitMs: 100,
  processorRssBatchSize: 1_000,
  processorRssMiB: 256,
} as const;

type GoalInputs = Omit<BenchResults, 'goals'>;

const number = (value: number) => value.toLocaleString('en-US');

function throughputGoal(results: GoalInputs): GoalVerdict {
  const goal = 'Processor throughput into both stores';
  const target = `≥ ${GOALS.ratioToCeiling} × raw ceiling`;
  const best = [...results.processor].sort((a, b) => b.recordsPerSecond - a.recordsPerSecond)[0];
  const ceiling = results.ceiling;
  if (!best || !ceiling) return notRun(goal, target, 'needs the processor and ceiling runs');
  const ratio = best.recordsPerSecond / ceiling.recordsPerSecond;
  const measured = `${number(best.recordsPerSecond)}/s at batch ${number(best.batchSize)}, ${best.partitions} partition(s) = ${ratio.toFixed(2)} × ${number(ceiling.recordsPerSecond)}/s`;
  if (ratio >= GOALS.ratioToCeiling) {
    return {
      goal,
      target,
      measured,
      met: true,
      explanation: `the processor keeps both stores nearly as busy as plain client code (processor run: ${best.bottleneck.label}; ceiling: ${ceiling.bottleneck.label})`,
    };
  }
  return {
    goal,
    target,
    measured,
    met: false,
    explanation:
      `processor run: ${best.bottleneck.label} (${best.bottleneck.explanation}); ceiling: ${ceiling.bottleneck.label}. ` +
      `${cpuPerRecordNote(best, ceiling)}On this machine the processor and Cassandra share the same cores, so the ` +
      "processor's extra CPU per record (Kafka consumption, the MSK event's base64 and IPC, decode and validation, " +
      'one batch in flight per partition with 64 concurrent Cassandra writes instead of 512) comes straight out of ' +
      "Cassandra's share. In AWS the processor runs on Lambda's CPU and Keyspaces on its own, so the same code is not " +
      'bounded by the stores this way; here, more cores or CASSANDRA_WRITE_CONCURRENCY=256 (+10 % measured) would narrow it.',
  };
}

/** CPU (µs, client side) per record of the processor run and of the ceiling's plain client. */
function cpuPerRecordNote(
  run: BenchResults['processor'][number],
  ceiling: NonNullable<BenchResults['ceiling']>,
): string {
  const cpuOf = (processes: readonly { name: string; cpuPercent: number }[], names: readonly string[]) =>
    processes.filter((p) => names.includes(p.name)).reduce((sum, p) => sum + p.cpuPercent, 0);
  const processorMicros =
    (cpuOf(run.processes, ['processor', 'msk bridge']) / 100 / run.recordsPerSecond) * 1e6;
  const clientMicros = (cpuOf(ceiling.processes, ['bench (client)']) / 100 / ceiling.recordsPerSecond) * 1e6;
  if (!Number.isFinite(processorMicros) || !Number.isFinite(clientMicros) || clientMicros === 0) return '';
  return `The processor (containers and bridge) spent ${Math.round(processorMicros)} µs of CPU per record, the plain client ${Math.round(clientMicros)} µs. `;
}

function endToEndGoal(results: GoalInputs): GoalVerdict {
  const goal = `End-to-end latency at ${number(GOALS.endToEndRatePerSecond)} events/s`;
  const target = `p99 < ${GOALS.endToEndP99Ms} ms`;
  const run = results.endToEnd.find((r) => r.offeredPerSecond === GOALS.endToEndRatePerSecond);
  if (!run) return notRun(goal, target, `needs an end-to-end run at ${GOALS.endToEndRatePerSecond}/s`);
  const measured = `p99 ${number(run.latencyMs.p99)} ms (p50 ${number(run.latencyMs.p50)}, max ${number(run.latencyMs.max)}; achieved ${number(run.achievedPerSecond)}/s; ${run.unconfirmed} unconfirmed)`;
  const met = run.latencyMs.p99 < GOALS.endToEndP99Ms && run.unconfirmed === 0 && run.rejected === 0;
  return {
    goal,
    target,
    measured,
    met,
    explanation: met
      ? `batch window ${run.batchWindowMs} ms; ${run.bottleneck.label}: ${run.bottleneck.explanation}`
      : `${run.bottleneck.label}: ${run.bottleneck.explanation}. Latency is the wait for a batch (it fills or the ${run.batchWindowMs} ms window ends) plus the invocation's store writes; when the offered rate is more than the whole pipeline sustains on this machine (API, Kafka, processor and Cassandra on the same ${results.machine.cpus} cores), a queue builds and the tail grows with the run. ${sustainedNote(results)}In AWS the API, the processor and Keyspaces scale apart; here more cores would close it.`,
  };
}

/** The highest offered rate whose p99 stayed under the goal, if any. */
function sustainedNote(results: GoalInputs): string {
  const within = results.endToEnd
    .filter((r) => r.latencyMs.p99 < GOALS.endToEndP99Ms && r.unconfirmed === 0)
    .sort((a, b) => b.offeredPerSecond - a.offeredPerSecond)[0];
  return within
    ? `At ${number(within.offeredPerSecond)}/s the p99 was ${number(within.latencyMs.p99)} ms. `
    : 'No offered rate kept p99 under the goal. ';
}

function cpuGoal(results: GoalInputs): GoalVerdict {
  const goal = 'Decode + validate + transform';
  const target = `≤ ${GOALS.recordCpuMicros} µs/record`;
  const cpu = results.recordCpu;
  if (!cpu) return notRun(goal, target, 'needs the record CPU run');
  const m = cpu.microsPerRecord;
  const measured = `${m.total} µs (decode ${m.decode}, parse ${m.parse}, validate ${m.validate}, transform ${m.transform})`;
  const met = m.total <= GOALS.recordCpuMicros;
  const largest = (['decode', 'parse', 'validate', 'transform'] as const).reduce((a, b) =>
    m[a] >= m[b] ? a : b,
  );
  return {
    goal,
    target,
    measured,
    met,
    explanation: met
      ? `largest stage: ${largest} (${m[largest]} µs)`
      : `largest stage: ${largest} (${m[largest]} µs). Validation already runs zod's compiled fast path (z.compile of the same schema); what remains is the JSON wire format itself (base64 + UTF-8 + JSON.parse of a ~700-byte event: decode + parse ${Math.round((m.decode + m.parse) * 10) / 10} µs, more than the goal on its own) and building the Date and driver values of the rows. A binary format (Avro or Protobuf from the same contract) would close it; on a batch of 1,000 the whole stage is ${Math.round(m.total)} ms, small next to the store writes.`,
  };
}

function bundleGoal(results: GoalInputs): GoalVerdict {
  const goal = 'Processor bundle and cold init';
  const target = `≤ ${GOALS.processorBundleBytes / 1024} KB and ≤ ${GOALS.processorInitMs} ms`;
  const bundle = results.bundles.find((b) => b.functionName === 'processor');
  if (!bundle) return notRun(goal, target, 'needs the bundle run');
  const kb = bundle.codeBytes / 1024;
  const measured = `${kb.toFixed(1)} KB of code (+ ${((bundle.bytes - bundle.codeBytes) / 1024).toFixed(1)} KB source map), init median ${bundle.coldInitMs.median} ms`;
  const sizeMet = bundle.codeBytes <= GOALS.processorBundleBytes;
  const initMet = bundle.coldInitMs.median <= GOALS.processorInitMs;
  return {
    goal,
    target,
    measured,
    met: sizeMet && initMet,
    explanation:
      sizeMet && initMet
        ? "minified ESM bundle; Keyspaces SigV4 is signed on node:crypto with the runtime's AWS SDK v3 credentials, and adm-zip is replaced by a small shim"
        : [
            sizeMet
              ? ''
              : `the code is ${(kb - GOALS.processorBundleBytes / 1024).toFixed(1)} KB over: cassandra-driver alone is about 330 KB minified (CommonJS, which esbuild cannot tree-shake), zod about 150 KB with its compiled fast path; the SigV4 signer is the project's own (node:crypto) and adm-zip is replaced by a shim. A smaller CQL client, or a plugin that leaves out the driver's unused DSE graph, search and mapping modules, would close it.`,
            initMet
              ? ''
              : `Init (median ${bundle.coldInitMs.median} ms on this machine's Node ${results.machine.node}; Lambda runs nodejs24.x on other hardware) is mostly evaluating cassandra-driver and loading the Secrets Manager client of the runtime's AWS SDK; deferring that client to the first connection would move, not remove, the cost.`,
          ]
            .filter(Boolean)
            .join(' '),
  };
}

function rssGoal(results: GoalInputs): GoalVerdict {
  const goal = `Processor peak RSS at batch size ${number(GOALS.processorRssBatchSize)}`;
  const target = `≤ ${GOALS.processorRssMiB} MiB`;
  const runs = results.processor.filter((r) => r.batchSize === GOALS.processorRssBatchSize);
  if (runs.length === 0)
    return notRun(goal, target, `needs a processor run at batch size ${GOALS.processorRssBatchSize}`);
  const peak = Math.max(...runs.map((r) => r.processorPeakRssMiB));
  return {
    goal,
    target,
    measured: `${peak} MiB (highest over ${runs.map((r) => `${r.partitions}p`).join(', ')})`,
    met: peak <= GOALS.processorRssMiB,
    explanation:
      peak <= GOALS.processorRssMiB
        ? 'one container process (the handler bundle and one batch at a time), as a Lambda container; the local MSK bridge runs in its own process and is not counted'
        : 'one container holds the handler, its clients and one batch (the MSK event, the decoded records and the rows at once); smaller batches or streaming the rows to the stores would lower it',
  };
}

function notRun(goal: string, target: string, why: string): GoalVerdict {
  return { goal, target, measured: 'not run', met: false, explanation: why };
}

export function evaluateGoals(results: GoalInputs): GoalVerdict[] {
  return [
    throughputGoal(results),
    endToEndGoal(results),
    cpuGoal(results),
    bundleGoal(results),
    rssGoal(results),
  ];
}
