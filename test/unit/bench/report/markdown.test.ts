// Tests bench/report/markdown.ts; also bench/report/chart-svg.ts.
import { describe, expect, it } from 'vitest';
import { niceTicks, renderChartSvg } from '../../../../bench/report/chart-svg.js';
import { renderMarkdown } from '../../../../bench/report/markdown.js';
import {
  sampleBacklogDrain,
  sampleBenchResults,
  sampleConsoleCost,
  sampleEndToEndRun,
  sampleGoal,
  sampleProcessorRun,
  sampleStoreReads,
  speedVaryingRuns,
} from '../fixtures.js';

/**
 * Checks what an XML parser would reject: unbalanced or crossed tags, and `<`/`&` that are not markup or
 * entities. Returns the problems found (empty when well-formed enough for browsers and image viewers).
 */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const openTags: string[] = [];
  const tagPattern = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let position = 0;
  for (const match of xml.matchAll(tagPattern)) {
    const between = xml.slice(position, match.index);
    if (between.includes('<')) {
      problems.push(`stray "<" before offset ${match.index}`);
    }
    position = match.index + match[0].length;
    const [, closing, name = '', , selfClosing] = match;
    if (selfClosing === '/') {
      continue;
    }
    if (closing === '/') {
      const expected = openTags.pop();
      if (expected !== name) {
        problems.push(`</${name}> closes <${expected ?? 'nothing'}>`);
      }
    } else {
      openTags.push(name);
    }
  }
  if (xml.slice(position).includes('<')) {
    problems.push('stray "<" after the last tag');
  }
  if (openTags.length > 0) {
    problems.push(`unclosed: ${openTags.join(', ')}`);
  }
  for (const ampersand of xml.matchAll(/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g)) {
    problems.push(`bare "&" at offset ${ampersand.index}`);
  }
  return problems;
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  expect(start, `section "${heading}"`).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

describe('renderChartSvg', () => {
  it('is one well-formed SVG document with a viewBox', () => {
    const svg = renderChartSvg(sampleBenchResults());

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/viewBox="0 0 1200 \d+"/);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).not.toMatch(/<script|<image|href=|@import|url\(/);
  });

  it('draws one bar per processor run and four per end-to-end rate, and one ceiling line', () => {
    const results = sampleBenchResults();
    const svg = renderChartSvg(results);

    expect(count(svg, 'class="bar"')).toBe(results.processor.length + 4 * results.endToEnd.length);
    expect(count(svg, 'class="ceiling-line"')).toBe(1);
    expect(count(svg, 'class="latency-line"')).toBe(3);
    expect(count(svg, 'class="point"')).toBe(3 * results.http.length);
  });

  it('labels values and the goal line with thousands separators and escaped text', () => {
    const svg = renderChartSvg(sampleBenchResults());

    expect(svg).toContain('>1,760</text>');
    expect(svg).toContain('>raw ceiling 4,190 records/s (plain client writes)</text>');
    expect(svg).toContain('>0.42×</text>');
    expect(svg).toContain('>2,310</text>');
    expect(svg).toContain('>3,105 req/s</text>');
    expect(svg).toContain('>3 rejected, 12 unconfirmed</text>');
    expect(svg).toContain('class="goal-line"');
    expect(svg).toContain('>goal p99 &lt; 500 ms</text>');
    expect(svg).toContain('2026-11-22T20:16:22.548Z');
  });

  it('escapes XML metacharacters in the CPU model', () => {
    const base = sampleBenchResults();
    const svg = renderChartSvg({ ...base, machine: { ...base.machine, cpuModel: 'Fast<CPU> & "Co"' } });

    expect(svg).toContain('Fast&lt;CPU&gt; &amp; &quot;Co&quot;');
    expect(svg).not.toContain('Fast<CPU>');
    expect(xmlProblems(svg)).toEqual([]);
  });

  it('omits panels without data and says which were not run', () => {
    const full = renderChartSvg(sampleBenchResults());
    const partial = renderChartSvg(sampleBenchResults({ http: [], endToEnd: [] }));

    expect(partial).toContain('id="panel-processor"');
    expect(partial).not.toContain('id="panel-http"');
    expect(partial).not.toContain('id="panel-end-to-end"');
    expect(partial).not.toContain('class="goal-line"');
    expect(partial).toContain('not run: HTTP push latency, End-to-end latency');
    expect(count(partial, 'class="bar"')).toBe(6);
    const heightOf = (svg: string): number => Number(/viewBox="0 0 1200 (\d+)"/.exec(svg)?.[1]);
    expect(heightOf(partial)).toBeLessThan(heightOf(full));
  });

  it('still renders a valid document when every scenario was skipped', () => {
    const svg = renderChartSvg(sampleBenchResults({ processor: [], ceiling: null, http: [], endToEnd: [] }));

    expect(svg).not.toContain('<g id="panel-');
    expect(count(svg, 'class="bar"')).toBe(0);
    expect(xmlProblems(svg)).toEqual([]);
  });

  it('leaves out the ceiling line and ratios when the ceiling was not run', () => {
    const results = sampleBenchResults({ ceiling: null });
    const svg = renderChartSvg({
      ...results,
      processor: results.processor.map((run) => ({ ...run, ratioToCeiling: 0 })),
    });

    expect(count(svg, 'class="bar"')).toBe(results.processor.length + 4 * results.endToEnd.length);
    expect(svg).not.toContain('ceiling');
  });

  it('is deterministic', () => {
    expect(renderChartSvg(sampleBenchResults())).toBe(renderChartSvg(sampleBenchResults()));
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^n from zero past the maximum', () => {
    expect(niceTicks(1971)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(137)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(84)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('renderMarkdown', () => {
  it('starts with the run, machine and chart, then the goals', () => {
    const markdown = renderMarkdown(sampleBenchResults(), '2026-11-22T20-16-22-548Z.svg');

    expect(markdown.startsWith('# Pipeline benchmark\n')).toBe(true);
    expect(markdown).toContain('2026-11-22T20:16:22.548Z');
    expect(markdown).toContain('2 cores (AMD EPYC 7B13), 24 GiB, Node v20.20.2, linux 6.8.0-1019-gcp');
    expect(markdown).toContain('kafka 4.1.2, cassandra 5.0.6');
    expect(markdown).toContain('`events=20000 batchSizes=100,500,1000 partitions=1,3 httpSeconds=20`');
    expect(markdown).toContain('![chart](2026-11-22T20-16-22-548Z.svg)');
    expect(markdown.indexOf('## Goals')).toBeLessThan(markdown.indexOf('## Processor throughput'));
  });

  it('wraps a chart file name with spaces in angle brackets', () => {
    expect(renderMarkdown(sampleBenchResults(), 'my chart.svg')).toContain('![chart](<my chart.svg>)');
  });

  it('marks a missed goal with ❌ in its row and a met one with ✅', () => {
    const markdown = renderMarkdown(sampleBenchResults(), 'chart.svg');
    const goals = sectionOf(markdown, 'Goals');

    expect(goals).toContain(
      '| End-to-end latency at 1,000 events/s | p99 \\< 500 ms | p99 940 ms, 961 events/s achieved | ❌ | ' +
        'Both cores saturate above ~900 events/s; a 50 ms batch window or a third core would close it. |',
    );
    expect(goals).toContain('| Decode + validate + transform | ≤ 50 µs/record | 25.08 µs/record | ✅ |');
  });

  it('escapes pipes in table cells so a row keeps its columns', () => {
    const markdown = renderMarkdown(
      sampleBenchResults({ goals: [sampleGoal({ measured: 'a | b', met: false })] }),
      'chart.svg',
    );

    expect(markdown).toContain('| a \\| b | ❌ |');
  });

  it('lists processor runs with the ratio to the ceiling, RSS, CPU and bottleneck', () => {
    const markdown = renderMarkdown(sampleBenchResults(), 'chart.svg');
    const processor = sectionOf(markdown, 'Processor throughput');

    expect(processor).toContain(
      '| 1 | 500 | 3 | 20,000 | 11.36 | 1,760 | 0.42 | 42 (0 failed) | 182.4 | 71% | ' +
        'processor 97%, cassandra 38%, postgres 31%, kafka 6% | one core (processor) |',
    );
    expect(processor).toContain('| 1 | 100 | 1 | 20,000 | 17.9 | 1,117 | 0.27 |');
    expect(processor).toContain('raw ceiling measured in the same run (repeat), 4,190 records/s');
    expect(processor).toContain(
      '- run 1, batch 100, 1 partition; run 1, batch 100, 3 partitions — **latency-bound**: no process above 62% of one core;',
    );
    expect(processor).toContain(
      '- run 1, batch 500, 1 partition; run 1, batch 500, 3 partitions; run 1, batch 1,000, 1 partition; run 1, batch 1,000, 3 partitions — ' +
        '**one core (processor)**: processor at 97% of one core',
    );
    expect(processor).toContain('| 1,307 | 0.31 | 202 (0 failed) | 182.4 | 71% |');
    // Sorted by batch size, then partitions.
    expect(processor.indexOf('| 1 | 100 | 1 |')).toBeLessThan(processor.indexOf('| 1 | 1,000 | 3 |'));
  });

  it('shows the ceiling with each store alone, the method and its bottleneck', () => {
    const ceiling = sectionOf(renderMarkdown(sampleBenchResults(), 'chart.svg'), 'Raw write ceiling');

    expect(ceiling).toContain(
      '| 1 | 20,000 | 4.77 | 4,190 | 11,820 | 5,230 | 97% | cassandra 88%, load generator 64%, postgres 42% | ' +
        '4 connections × 1,000-row multi-row INSERT; 512 concurrent prepared |',
    );
    expect(ceiling).toContain('- raw ceiling, run 1 — **machine CPU**: both cores 97% busy');
  });

  it('reports HTTP and end-to-end latency, unconfirmed events and the batch window', () => {
    const markdown = renderMarkdown(sampleBenchResults(), 'chart.svg');

    const http = sectionOf(markdown, 'HTTP push API');
    expect(http).toContain('| 8 | 1 | 20 | 61,240 | 2,210 | 2,210 | 3.1 | 5.4 | 9.8 | 41.2 | 0 | 0 | 92% |');
    expect(http).toContain('| 128 | 1 | 20 | 61,240 | 3,105 | 3,105 | 39.5 | 61 | 122 | 311 |');
    expect(http).toContain('- all runs — **one core (http-api)**: http-api at 99% of one core.');
    // A result from before the stages' settings: no stage, batch or alarm.
    expect(sectionOf(markdown, 'End-to-end latency')).toContain(
      '| — | — | 100 | — | 1,000 | 961 | 3 | 14,940 | 240 | 512 | 940 | 2,310 | 12 | 48% |',
    );
  });

  it("shows each stage's end-to-end runs with its batch, window and alarm, and the backlog drain", () => {
    const markdown = renderMarkdown(
      sampleBenchResults({
        endToEnd: [
          sampleEndToEndRun({
            stage: 'prod',
            batchSize: 500,
            batchWindowMs: 1_000,
            alarmP99Ms: 15_000,
            offeredPerSecond: 10,
          }),
          sampleEndToEndRun({
            stage: 'dev',
            batchSize: 100,
            batchWindowMs: 1_000,
            alarmP99Ms: 10_000,
            offeredPerSecond: 10,
          }),
        ],
        backlogDrain: sampleBacklogDrain(),
      }),
      'chart.svg',
    );
    const e2e = sectionOf(markdown, 'End-to-end latency');
    expect(e2e.indexOf('| dev | 100 | 1,000 | 10,000 | 10 |')).toBeGreaterThan(-1);
    expect(e2e.indexOf('| prod | 500 | 1,000 | 15,000 | 10 |')).toBeGreaterThan(e2e.indexOf('| dev |'));
    const drain = sectionOf(markdown, 'Backlog drain');
    expect(drain).toContain(
      "to 6 partitions, then drained by the local MSK bridge and 6 processor containers with dev's mapping settings (batch 100, window 1,000 ms",
    );
    expect(drain).toContain('**0 failed records**');
    expect(drain).toContain('Cassandra created_users 300,000, users_by_signup_day_bucketed 300,000');
    expect(drain).toContain("Each container's second half starts when it had taken half of its invocations");
    expect(drain).toContain('| 1 | 1,600 | 180 | 0.4 | 0.3 | 20 |');
    expect(drain).toContain('| 3 | 200 | 120 | 12 | 40 | 30 |');
  });

  it('shows CPU per stage, bundles in KB with one decimal, and peak RSS', () => {
    const markdown = renderMarkdown(sampleBenchResults(), 'chart.svg');

    expect(sectionOf(markdown, 'CPU per record')).toContain('| validate (zod contract) | 11.6 | 46% |');
    expect(sectionOf(markdown, 'Lambda bundles')).toContain(
      '| processor | 511.0 | 1,238.8 | 212 | 198 | 261 | 10 |',
    );
    expect(sectionOf(markdown, 'Lambda bundles')).toContain(
      '| ingest-http | 166.0 | 403.2 | 88.6 | 80.2 | 97 | 10 |',
    );
    expect(sectionOf(markdown, 'Peak RSS')).toContain('| cassandra | 1,320 |');
  });

  it("shows the console's cost: every run in ABBA order, the medians, each round's difference, its bound, the console's own work", () => {
    const section = sectionOf(renderMarkdown(sampleBenchResults(), 'chart.svg'), 'Local console cost');

    expect(section).toContain('The bench tables held 1,000,000 users.');
    expect(section).toContain('took 500 users/s for 30 s per run, in 2 rounds of two runs, interleaved');
    expect(section).toContain('fetching its state every 2 s');
    // Results that record the warm-up say it; older ones (3 s at 50 users/s) do not.
    const warmed = sectionOf(
      renderMarkdown(
        sampleBenchResults({ consoleCost: sampleConsoleCost({ warmUpSeconds: 10, burnInRounds: 1 }) }),
        'chart.svg',
      ),
      'Local console cost',
    );
    expect(warmed).toContain(
      'took 500 users/s for 30 s per run (after 10 unmeasured seconds at the same rate and a PostgreSQL CHECKPOINT), in 2 rounds',
    );
    expect(warmed).toContain(
      'in 2 rounds of two runs (after one round run first and not counted: the first runs after the preload stand apart), interleaved',
    );
    expect(section).toContain('| 1, console off | 80.1% | 38.2% | 61.2% | 310.5 | 15,000 of 15,000 | 30.1 |');
    expect(section).toContain('| 2, console on | 82.7% | 40.6% | 63% | 322.8 | 15,000 of 15,000 | 30.2 |');
    expect(section).toContain(
      '| median, console off | 80.3% | 38.4% | 61.2% | 310.5 | 15,000 of 15,000 | 30.1 |',
    );
    expect(section).toContain(
      '| median, console on | 82.4% | 40.5% | 63% | 322.8 | 15,000 of 15,000 | 30.2 |',
    );
    expect(section).toContain("- **Each round's difference (on − off):** 2%, 2.2% of one core");
    expect(section).toContain(
      "- **Mean difference:** 2.1% of one core, the console's whole cost, its reads of the stores included; " +
        '**95 % upper bound** 2.7%',
    );
    expect(section).toContain("- **The console's own work:** 0.6% of one core");
    expect(section).not.toContain('Where it lands');
    const split = sectionOf(
      renderMarkdown(
        sampleBenchResults({
          consoleCost: sampleConsoleCost({ processDifferencesPercent: { pipeline: 1.2, kafka: 0.4 } }),
        }),
        'chart.svg',
      ),
      'Local console cost',
    );
    expect(split).toContain(
      '- **Where it lands (mean difference per process):** pipeline 1.2%, kafka 0.4% of one core.',
    );
    // With the stores' side of the reads measured: that side, and the whole cost at equal machine speed.
    const adjusted = sectionOf(
      renderMarkdown(
        sampleBenchResults({
          consoleCost: sampleConsoleCost({
            runs: speedVaryingRuns(1.5, 0.1),
            storeReads: sampleStoreReads(),
          }),
        }),
        'chart.svg',
      ),
      'Local console cost',
    );
    expect(adjusted).toContain(
      "- **The stores' side of the console's reads:** 5.58 ms of store CPU per snapshot, measured apart on a " +
        'pipeline of its own with the console off at the same rate, in 2 pairs of 10 s windows (snapshots back to ' +
        'back, at most 10 a second, then none; 20,000 of 20,000 users accepted): **0.11%** of one core at one ' +
        'snapshot every 5 s, 97.5 % upper bound 0.13%.',
    );
    expect(adjusted).toContain(
      '- **The whole cost at equal machine speed (judged):** 1.6% of one core, 95 % upper bound **1.6%**.',
    );
    expect(adjusted).toContain('(correlation 1, slope 1.5)');
    expect(adjusted).toContain(
      "The rounds' stores differed by -2.6% ± 41.4% on average (95 %), the reads' side plus the machine's drift: " +
        "consistent with the reads' side, as the figure assumes.",
    );
    expect(section).not.toContain('equal machine speed');
    const oneRound = renderMarkdown(
      sampleBenchResults({
        consoleCost: sampleConsoleCost({
          roundDifferencesPercent: [-0.8],
          differenceUpperBoundPercent: undefined,
        }),
      }),
      'chart.svg',
    );
    expect(sectionOf(oneRound, 'Local console cost')).toContain('**95 % upper bound** n/a (one round)');
    // Results written before the ABBA rounds keep their difference of the medians.
    const {
      roundDifferencesPercent: _r,
      differenceUpperBoundPercent: _b,
      ...medians
    } = sampleConsoleCost({
      cpuDifferencePercent: -0.8,
    });
    expect(
      sectionOf(
        renderMarkdown(sampleBenchResults({ consoleCost: medians }), 'chart.svg'),
        'Local console cost',
      ),
    ).toContain('**Difference of the medians (on − off):** -0.8% of one core');
  });

  it('keeps rendering results of one run each (before the interleaved runs) as they were', () => {
    const { runs: _runs, preloadedUsers: _preloaded, ...oneRunEach } = sampleConsoleCost();
    const section = sectionOf(
      renderMarkdown(sampleBenchResults({ consoleCost: oneRunEach }), 'chart.svg'),
      'Local console cost',
    );
    expect(section).toContain('took 500 users/s for 30 s twice: with `--no-console`');
    expect(section).toContain('| off | 38.4% | 61.2% | 310.5 | 15,000 of 15,000 | 30.1 |');
    expect(section).toContain('- **Difference (on − off):** 2.1% of one core');
  });

  it('says "not run" for the console cost when it was skipped or the file predates it', () => {
    const { consoleCost: _absent, ...older } = sampleBenchResults();
    expect(sectionOf(renderMarkdown(older, 'chart.svg'), 'Local console cost')).toBe(
      '## Local console cost\n\n_not run_\n',
    );
    expect(
      sectionOf(renderMarkdown(sampleBenchResults({ consoleCost: null }), 'chart.svg'), 'Local console cost'),
    ).toContain('_not run_');
  });

  it('says "not run" for sections without data and lists skipped scenarios', () => {
    const markdown = renderMarkdown(
      sampleBenchResults({
        http: [],
        recordCpu: null,
        bundles: [],
        skipped: ['http: --skip-http given', 'bundles: cdk.out missing, run `npm run synth`'],
      }),
      'chart.svg',
    );

    expect(sectionOf(markdown, 'HTTP push API')).toBe('## HTTP push API\n\n_not run_\n');
    expect(sectionOf(markdown, 'CPU per record')).toContain('_not run_');
    expect(sectionOf(markdown, 'Lambda bundles')).toContain('_not run_');
    expect(sectionOf(markdown, 'Processor throughput')).not.toContain('not run');
    expect(sectionOf(markdown, 'Skipped')).toContain('- http: --skip-http given\n');
  });

  it('leaves the skipped section out when nothing was skipped', () => {
    expect(renderMarkdown(sampleBenchResults(), 'chart.svg')).not.toContain('## Skipped');
  });

  it('shows a dash for the ratio and "not run" for the ceiling when the ceiling was not run', () => {
    const markdown = renderMarkdown(
      sampleBenchResults({ ceiling: null, processor: [sampleProcessorRun({ ratioToCeiling: 0 })] }),
      'chart.svg',
    );

    expect(sectionOf(markdown, 'Processor throughput')).toContain('| 500 | 3 | 20,000 | 11.36 | 1,760 | — |');
    expect(sectionOf(markdown, 'Raw write ceiling')).toBe('## Raw write ceiling\n\n_not run_\n');
  });
});
