import type { Bottleneck, ProcessUsage } from './results.js';

export interface BottleneckInput {
  readonly processes: readonly ProcessUsage[];
  readonly machineCpuPercent: number;
  readonly cores: number;
  /** Processes with one JavaScript thread doing the work (Node): they saturate at ~100 % of one core. */
  readonly singleThreaded: readonly string[];
  /** What the run waits on when nothing is saturated, e.g. 'store round trips and the 20 ms batch window'. */
  readonly waitsOn: string;
}

/** Machine busy at or above this share of all cores counts as saturated (the sampler itself costs a little). */
export const MACHINE_SATURATED_PERCENT = 85;
/** A single-threaded process at or above this share of one core counts as saturated. */
export const CORE_SATURATED_PERCENT = 90;

function topConsumers(processes: readonly ProcessUsage[], count: number): string {
  return [...processes]
    .sort((a, b) => b.cpuPercent - a.cpuPercent)
    .slice(0, count)
    .map((p) => `${p.name} ${Math.round(p.cpuPercent)} %`)
    .join(', ');
}

/**
 * Names what limited a run, from its CPU samples: the whole machine, one Node event loop, or neither (then
 * the run was waiting on I/O, round trips or a batch window, which the caller names).
 */
export function findBottleneck(input: BottleneckInput): Bottleneck {
  const { processes, machineCpuPercent, cores } = input;
  const usedCores = Math.round((machineCpuPercent / 100) * cores * 10) / 10;
  if (machineCpuPercent >= MACHINE_SATURATED_PERCENT) {
    // What the machine spent beyond the watched processes: the kernel, or something else running here.
    const watched = processes.reduce((sum, p) => sum + p.cpuPercent, 0);
    const others = Math.round(machineCpuPercent * cores - watched);
    const otherNote = others >= 20 ? `, everything else (kernel, other processes) ${others} %` : '';
    return {
      label: 'machine CPU',
      explanation: `all ${cores} cores were ${Math.round(machineCpuPercent)} % busy (${usedCores} cores); CPU per process, in % of one core: ${topConsumers(processes, 4)}${otherNote}`,
    };
  }
  const saturatedLoop = [...processes]
    .filter((p) => input.singleThreaded.includes(p.name) && p.cpuPercent >= CORE_SATURATED_PERCENT)
    .sort((a, b) => b.cpuPercent - a.cpuPercent)[0];
  if (saturatedLoop) {
    return {
      label: `one core (${saturatedLoop.name})`,
      explanation: `${saturatedLoop.name} used ${Math.round(saturatedLoop.cpuPercent)} % of one core while the machine was ${Math.round(machineCpuPercent)} % busy: its single JavaScript thread is the limit`,
    };
  }
  return {
    label: 'latency-bound',
    explanation: `no core saturated (machine ${Math.round(machineCpuPercent)} % busy; ${topConsumers(processes, 3)} of one core): the run waits on ${input.waitsOn}`,
  };
}
