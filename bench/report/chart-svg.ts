import {
  type BenchResults,
  ceilingsOf,
  type EndToEndRun,
  type HttpRun,
  type LatencyPercentiles,
  type ProcessorRun,
} from '../harness/results.js';

/**
 * Renders one `BenchResults` as a self-contained SVG: no external fonts, scripts or styles, so the file
 * can be committed next to the Markdown summary and viewed anywhere. Pure and deterministic: the same
 * input always yields the same bytes (fixed locale, rounded coordinates, sorted categories).
 */

const CHART_WIDTH = 1200;
const HEADER_HEIGHT = 96;
const PANEL_HEIGHT = 440;
const FOOTER_PADDING = 16;
/** Inside each panel: title and legend above the plot, two or three label lines under it. */
const PLOT = { left: 96, right: 40, top: 84, bottom: 84 } as const;
const FONT_FAMILY = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';
const AXIS_COLOR = '#444';
const GRID_COLOR = '#e3e3e3';
const MUTED_TEXT = '#555';
const CEILING_COLOR = '#1a1a1a';
const GOAL_COLOR = '#d62728';
const GOAL_P99_MS = 500;
/** Tableau 10: distinguishable and colour-blind friendlier than the SVG named colours. */
const SERIES_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
];
const PERCENTILE_COLORS: Readonly<Record<keyof LatencyPercentiles, string>> = {
  p50: '#4e79a7',
  p90: '#f28e2b',
  p99: '#e15759',
  max: '#79706e',
};
const MAX_BAR_WIDTH = 120;
/** Space above the tallest bar for its value label. */
const HEADROOM = 1.12;

interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

interface LegendItem {
  readonly label: string;
  readonly color: string;
  readonly shape: 'box' | 'line' | 'dashed-line';
}

interface Panel {
  readonly id: string;
  readonly title: string;
  /** Body in panel-local coordinates (0,0 = panel's top-left corner); null when there is no data. */
  readonly body: string | null;
}

export function renderChartSvg(results: BenchResults): string {
  const panels: Panel[] = [
    {
      id: 'panel-processor',
      // One bar per batch size and partition count: the first repeat's runs, against that repeat's ceiling.
      title:
        ceilingsOf(results).length > 1
          ? 'Processor throughput (run 1 of the repeats)'
          : 'Processor throughput',
      body: processorPanelBody(results),
    },
    { id: 'panel-http', title: 'HTTP push latency', body: httpPanelBody(results.http) },
    { id: 'panel-end-to-end', title: 'End-to-end latency', body: endToEndPanelBody(results.endToEnd) },
  ];
  const shownPanels = panels.filter((panel) => panel.body !== null);
  const notRunTitles = panels.filter((panel) => panel.body === null).map((panel) => panel.title);
  const emptyMessageHeight = shownPanels.length === 0 ? 40 : 0;
  const height = HEADER_HEIGHT + shownPanels.length * PANEL_HEIGHT + emptyMessageHeight + FOOTER_PADDING;

  const title = `Pipeline benchmark — ${results.at}`;
  const { machine } = results;
  const subtitle = [
    `${formatNumber(machine.cpus)} cores`,
    machine.cpuModel,
    `${formatNumber(machine.memoryGiB, 1)} GiB RAM`,
    `Node ${machine.node}`,
    `${machine.platform} ${machine.kernel}`.trim(),
  ]
    .filter((part) => part.length > 0)
    .join(' · ');

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" ` +
      `height="${height}" font-family="${FONT_FAMILY}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(`${title} (${subtitle})`)}</title>`,
    `<rect x="0" y="0" width="${CHART_WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(PLOT.left, 36, title, { 'font-size': 22, 'font-weight': 700, fill: '#111' }),
    text(PLOT.left, 62, subtitle, { 'font-size': 14, fill: MUTED_TEXT }),
  ];
  if (notRunTitles.length > 0) {
    parts.push(
      text(PLOT.left, 84, `not run: ${notRunTitles.join(', ')}`, { 'font-size': 13, fill: MUTED_TEXT }),
    );
  }
  shownPanels.forEach((panel, index) => {
    const panelTop = HEADER_HEIGHT + index * PANEL_HEIGHT;
    parts.push(
      `<g id="${panel.id}" transform="translate(0 ${panelTop})">`,
      text(PLOT.left, 30, panel.title, { 'font-size': 18, 'font-weight': 700, fill: '#111' }),
      panel.body ?? '',
      '</g>',
    );
  });
  if (shownPanels.length === 0) {
    parts.push(text(PLOT.left, HEADER_HEIGHT + 24, 'No figures to chart: every scenario was skipped.', {}));
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function processorPanelBody(results: BenchResults): string | null {
  const runs = results.processor.filter((run) => (run.repeat ?? 1) === 1);
  if (runs.length === 0) {
    return null;
  }
  const batchSizes = uniqueSorted(runs.map((run) => run.batchSize));
  const partitionCounts = uniqueSorted(runs.map((run) => run.partitions));
  const ceiling = results.ceiling?.recordsPerSecond;

  const area = plotArea();
  const ticks = niceTicks(Math.max(...runs.map((run) => run.recordsPerSecond), ceiling ?? 0) * HEADROOM);
  const toY = yScale(area, ticks);
  const groupWidth = area.width / batchSizes.length;
  const barWidth = Math.min((groupWidth * 0.8) / partitionCounts.length, MAX_BAR_WIDTH);
  const colorOf = (partitions: number): string => seriesColor(partitionCounts.indexOf(partitions));

  const legendItems: LegendItem[] = partitionCounts.map((partitions) => ({
    label: `${formatNumber(partitions)} ${partitions === 1 ? 'partition' : 'partitions'}`,
    color: colorOf(partitions),
    shape: 'box',
  }));
  if (ceiling !== undefined) {
    // The ceiling is one figure for all runs (same rows), so the legend carries its value once.
    legendItems.push({
      label: `raw ceiling ${formatNumber(ceiling)} records/s (plain client writes)`,
      color: CEILING_COLOR,
      shape: 'line',
    });
  }
  const parts: string[] = [
    legend(legendItems),
    yAxis(area, ticks, 'records/s into both stores', (value) =>
      formatNumber(value, tickFractionDigits(ticks)),
    ),
  ];

  batchSizes.forEach((batchSize, groupIndex) => {
    const groupLeft = area.left + groupIndex * groupWidth;
    const barsLeft = groupLeft + (groupWidth - barWidth * partitionCounts.length) / 2;
    parts.push(
      categoryLabel(groupLeft + groupWidth / 2, area, [`batch size ${formatNumber(batchSize)}`], false),
    );
    partitionCounts.forEach((partitions, barIndex) => {
      const run = runs.find(
        (candidate) => candidate.batchSize === batchSize && candidate.partitions === partitions,
      );
      if (run !== undefined) {
        parts.push(
          processorBar(run, barsLeft + barIndex * barWidth, barWidth, toY, colorOf(partitions), ceiling),
        );
      }
    });
  });

  if (ceiling !== undefined) {
    // Drawn after the bars so it stays visible where a bar reaches past it.
    const ceilingY = coordinate(toY(ceiling));
    parts.push(
      `<line class="ceiling-line" x1="${coordinate(area.left)}" y1="${ceilingY}" ` +
        `x2="${coordinate(area.left + area.width)}" y2="${ceilingY}" stroke="${CEILING_COLOR}" stroke-width="2">` +
        `<title>${escapeXml(`raw ceiling ${formatNumber(ceiling)} records/s`)}</title></line>`,
    );
  }
  parts.push(xAxisLine(area));
  return parts.join('\n');
}

function processorBar(
  run: ProcessorRun,
  slotLeft: number,
  slotWidth: number,
  toY: (value: number) => number,
  color: string,
  ceiling: number | undefined,
): string {
  const gap = Math.min(8, slotWidth * 0.15);
  const left = slotLeft + gap / 2;
  const width = slotWidth - gap;
  const center = left + width / 2;
  const barTop = toY(run.recordsPerSecond);
  const barHeight = toY(0) - barTop;
  const hasRatio = ceiling !== undefined && run.ratioToCeiling > 0;
  const ratio = `${formatNumber(run.ratioToCeiling, 2)} × ceiling`;
  const tooltip =
    `batch ${formatNumber(run.batchSize)}, ${formatNumber(run.partitions)} partitions: ` +
    `${formatNumber(run.recordsPerSecond)} records/s${hasRatio ? ` = ${ratio}` : ''}`;
  const parts = [barRect(left, barTop, width, barHeight, color, tooltip)];

  // The value goes above the bar, unless the ceiling line runs right there: then inside the bar.
  const ceilingY = ceiling === undefined ? undefined : toY(ceiling);
  const nearCeiling = ceilingY !== undefined && Math.abs(barTop - ceilingY) < 18;
  if (nearCeiling && barHeight >= 26) {
    parts.push(text(center, barTop + 17, formatNumber(run.recordsPerSecond), insideBarLabel(12, 700)));
  } else {
    const aboveY = nearCeiling ? Math.min(barTop, ceilingY) - 8 : barTop - 6;
    parts.push(text(center, aboveY, formatNumber(run.recordsPerSecond), labelAttributes(12, '#111', 700)));
  }
  if (hasRatio && barHeight >= 48) {
    parts.push(text(center, toY(0) - 8, `${formatNumber(run.ratioToCeiling, 2)}×`, insideBarLabel(11, 400)));
  }
  return parts.join('\n');
}

function insideBarLabel(fontSize: number, fontWeight: number): Record<string, string | number> {
  return { 'text-anchor': 'middle', 'font-size': fontSize, 'font-weight': fontWeight, fill: '#ffffff' };
}

function httpPanelBody(runs: readonly HttpRun[]): string | null {
  if (runs.length === 0) {
    return null;
  }
  const sorted = [...runs].sort(
    (a, b) => a.usersPerRequest - b.usersPerRequest || a.connections - b.connections,
  );
  const area = plotArea();
  const ticks = niceTicks(Math.max(...sorted.map((run) => run.latencyMs.p99)) * HEADROOM);
  const toY = yScale(area, ticks);
  const slotWidth = area.width / sorted.length;
  const xOf = (index: number): number => area.left + (index + 0.5) * slotWidth;
  const percentiles = ['p50', 'p90', 'p99'] as const;

  const parts: string[] = [
    legend(percentiles.map((key) => ({ label: key, color: PERCENTILE_COLORS[key], shape: 'line' }))),
    yAxis(area, ticks, 'latency (ms)', (value) => formatNumber(value, tickFractionDigits(ticks))),
  ];
  sorted.forEach((run, index) => {
    const failed = run.non2xx + run.errors;
    const lines =
      run.usersPerRequest === 1
        ? [`${formatNumber(run.connections)} connections`, `${formatNumber(run.requestsPerSecond)} req/s`]
        : [
            `${formatNumber(run.connections)} conn. × ${formatNumber(run.usersPerRequest)} users`,
            `${formatNumber(run.usersPerSecond)} users/s`,
          ];
    if (failed > 0) {
      lines.push(`${formatNumber(failed)} failed`);
    }
    parts.push(categoryLabel(xOf(index), area, lines, failed > 0));
  });
  for (const key of percentiles) {
    const color = PERCENTILE_COLORS[key];
    const points = sorted.map(
      (run, index) => `${coordinate(xOf(index))},${coordinate(toY(run.latencyMs[key]))}`,
    );
    parts.push(
      `<polyline class="latency-line" points="${points.join(' ')}" fill="none" stroke="${color}" ` +
        'stroke-width="2.5" stroke-linejoin="round"/>',
    );
    sorted.forEach((run, index) => {
      const y = toY(run.latencyMs[key]);
      const tooltip = `${formatNumber(run.connections)} connections, ${key}: ${formatMs(run.latencyMs[key])} ms`;
      parts.push(
        `<circle class="point" cx="${coordinate(xOf(index))}" cy="${coordinate(y)}" r="4" fill="${color}">` +
          `<title>${escapeXml(tooltip)}</title></circle>`,
      );
      // Only p99 is labelled: three stacked labels per point would collide on a flat curve.
      if (key === 'p99') {
        parts.push(
          text(xOf(index), y - 10, `${formatMs(run.latencyMs.p99)} ms`, labelAttributes(11, color, 700)),
        );
      }
    });
  }
  parts.push(xAxisLine(area));
  return parts.join('\n');
}

function endToEndPanelBody(runs: readonly EndToEndRun[]): string | null {
  if (runs.length === 0) {
    return null;
  }
  const sorted = [...runs].sort(
    (a, b) => (a.stage ?? '').localeCompare(b.stage ?? '') || a.offeredPerSecond - b.offeredPerSecond,
  );
  const percentiles = ['p50', 'p90', 'p99', 'max'] as const;
  const area = plotArea();
  const highest = Math.max(GOAL_P99_MS, ...sorted.map((run) => run.latencyMs.max));
  const ticks = niceTicks(highest * HEADROOM);
  const toY = yScale(area, ticks);
  const slotWidth = area.width / sorted.length;
  const barWidth = Math.min((slotWidth * 0.8) / percentiles.length, MAX_BAR_WIDTH);

  const parts: string[] = [
    legend([
      ...percentiles.map((key): LegendItem => ({ label: key, color: PERCENTILE_COLORS[key], shape: 'box' })),
      { label: `goal p99 < ${formatNumber(GOAL_P99_MS)} ms`, color: GOAL_COLOR, shape: 'dashed-line' },
    ]),
    yAxis(area, ticks, 'latency, 202 → readable in both stores (ms)', (value) =>
      formatNumber(value, tickFractionDigits(ticks)),
    ),
  ];
  sorted.forEach((run, slotIndex) => {
    const slotCenter = area.left + (slotIndex + 0.5) * slotWidth;
    const barsLeft = slotCenter - (barWidth * percentiles.length) / 2;
    const lines = [
      `${run.stage ? `${run.stage}: ` : ''}offered ${formatNumber(run.offeredPerSecond)}/s`,
      `achieved ${formatNumber(run.achievedPerSecond)}/s`,
    ];
    const problems = [
      run.rejected > 0 ? `${formatNumber(run.rejected)} rejected` : '',
      run.unconfirmed > 0 ? `${formatNumber(run.unconfirmed)} unconfirmed` : '',
    ].filter((problem) => problem.length > 0);
    if (problems.length > 0) {
      lines.push(problems.join(', '));
    }
    parts.push(categoryLabel(slotCenter, area, lines, problems.length > 0));
    percentiles.forEach((key, barIndex) => {
      const gap = Math.min(6, barWidth * 0.15);
      const left = barsLeft + barIndex * barWidth + gap / 2;
      const width = barWidth - gap;
      const value = run.latencyMs[key];
      const top = toY(value);
      const tooltip = `offered ${formatNumber(run.offeredPerSecond)}/s, ${key}: ${formatMs(value)} ms`;
      parts.push(
        barRect(left, top, width, toY(0) - top, PERCENTILE_COLORS[key], tooltip),
        text(left + width / 2, top - 5, formatMs(value), labelAttributes(10, '#222')),
      );
    });
  });

  // Drawn last so it stays visible over the bars it crosses.
  const goalY = toY(GOAL_P99_MS);
  parts.push(
    `<line class="goal-line" x1="${coordinate(area.left)}" y1="${coordinate(goalY)}" ` +
      `x2="${coordinate(area.left + area.width)}" y2="${coordinate(goalY)}" stroke="${GOAL_COLOR}" ` +
      'stroke-width="2" stroke-dasharray="8 5"/>',
    // Left end: the lowest offered rate sits there and is the least likely to reach the goal.
    text(area.left + 6, goalY - 7, `goal p99 < ${formatNumber(GOAL_P99_MS)} ms`, {
      ...labelAttributes(12, GOAL_COLOR, 700),
      'text-anchor': 'start',
    }),
    xAxisLine(area),
  );
  return parts.join('\n');
}

function plotArea(): PlotArea {
  return {
    left: PLOT.left,
    top: PLOT.top,
    width: CHART_WIDTH - PLOT.left - PLOT.right,
    height: PANEL_HEIGHT - PLOT.top - PLOT.bottom,
  };
}

function yScale(area: PlotArea, ticks: readonly number[]): (value: number) => number {
  const top = ticks[ticks.length - 1] ?? 1;
  return (value) => area.top + area.height - (Math.max(0, value) / top) * area.height;
}

function yAxis(
  area: PlotArea,
  ticks: readonly number[],
  label: string,
  formatTick: (value: number) => string,
): string {
  const toY = yScale(area, ticks);
  const parts = ticks.map((tick) => {
    const y = coordinate(toY(tick));
    return (
      `<line x1="${coordinate(area.left)}" y1="${y}" x2="${coordinate(area.left + area.width)}" y2="${y}" ` +
      `stroke="${GRID_COLOR}" stroke-width="1"/>\n` +
      text(area.left - 8, toY(tick) + 4, formatTick(tick), {
        'text-anchor': 'end',
        'font-size': 12,
        fill: MUTED_TEXT,
      })
    );
  });
  const middle = area.top + area.height / 2;
  parts.push(
    `<line x1="${coordinate(area.left)}" y1="${coordinate(area.top)}" x2="${coordinate(area.left)}" ` +
      `y2="${coordinate(area.top + area.height)}" stroke="${AXIS_COLOR}" stroke-width="1"/>`,
    text(22, middle, label, {
      'text-anchor': 'middle',
      'font-size': 13,
      fill: MUTED_TEXT,
      transform: `rotate(-90 22 ${coordinate(middle)})`,
    }),
  );
  return parts.join('\n');
}

function xAxisLine(area: PlotArea): string {
  const y = coordinate(area.top + area.height);
  return (
    `<line x1="${coordinate(area.left)}" y1="${y}" x2="${coordinate(area.left + area.width)}" y2="${y}" ` +
    `stroke="${AXIS_COLOR}" stroke-width="1"/>`
  );
}

/** One category under the x axis: the first line bold, further lines smaller (rates, failures). */
function categoryLabel(x: number, area: PlotArea, lines: readonly string[], warn: boolean): string {
  const baseline = area.top + area.height + 22;
  return lines
    .map((line, index) =>
      text(x, baseline + index * 17, line, {
        'text-anchor': 'middle',
        'font-size': index === 0 ? 14 : 12,
        'font-weight': index === 0 ? 700 : 400,
        fill: warn && index === lines.length - 1 ? GOAL_COLOR : index === 0 ? '#222' : MUTED_TEXT,
      }),
    )
    .join('\n');
}

function legend(items: readonly LegendItem[]): string {
  const y = 54;
  let x = PLOT.left;
  const parts: string[] = [];
  for (const item of items) {
    if (item.shape === 'box') {
      parts.push(`<rect x="${x}" y="${y - 10}" width="14" height="14" rx="2" fill="${item.color}"/>`);
    } else {
      const dash = item.shape === 'dashed-line' ? ' stroke-dasharray="6 4"' : '';
      parts.push(
        `<line x1="${x}" y1="${y - 3}" x2="${x + 22}" y2="${y - 3}" stroke="${item.color}" stroke-width="3"${dash}/>`,
      );
    }
    const swatchWidth = item.shape === 'box' ? 14 : 22;
    parts.push(text(x + swatchWidth + 6, y + 2, item.label, { 'font-size': 13, fill: '#222' }));
    // No text measurement without a renderer: ~7.2 px per character at 13 px is a safe over-estimate.
    x += swatchWidth + 6 + Math.ceil(item.label.length * 7.2) + 22;
  }
  return parts.join('\n');
}

function barRect(
  left: number,
  top: number,
  width: number,
  height: number,
  color: string,
  tooltip: string,
): string {
  return (
    `<rect class="bar" x="${coordinate(left)}" y="${coordinate(top)}" width="${coordinate(Math.max(1, width))}" ` +
    `height="${coordinate(Math.max(0, height))}" fill="${color}"><title>${escapeXml(tooltip)}</title></rect>`
  );
}

/** White halo keeps value labels readable where they cross bars, grid lines or markers. */
function labelAttributes(fontSize: number, fill: string, fontWeight = 400): Record<string, string | number> {
  return {
    'text-anchor': 'middle',
    'font-size': fontSize,
    'font-weight': fontWeight,
    fill,
    stroke: '#ffffff',
    'stroke-width': 3,
    'paint-order': 'stroke',
  };
}

function text(
  x: number,
  y: number,
  content: string,
  attributes: Readonly<Record<string, string | number>>,
): string {
  const rendered = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  return `<text x="${coordinate(x)}" y="${coordinate(y)}"${rendered}>${escapeXml(content)}</text>`;
}

/**
 * Round-number ticks from 0 to at least `maxValue`, with a step of 1, 2 or 5 × 10^n (about `targetCount`
 * intervals), so axes read 0, 500, 1,000 … rather than 0, 437, 874 ….
 */
export function niceTicks(maxValue: number, targetCount = 5): number[] {
  if (!Number.isFinite(maxValue) || maxValue <= 0) {
    return [0, 1];
  }
  const rawStep = maxValue / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const residual = rawStep / magnitude;
  const step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
  const count = Math.ceil(maxValue / step - 1e-9);
  // toPrecision strips binary noise such as 0.30000000000000004 from sub-1 steps.
  return Array.from({ length: count + 1 }, (_, index) => Number((index * step).toPrecision(12)));
}

function tickFractionDigits(ticks: readonly number[]): number {
  const step = ticks[1] ?? 1;
  return step >= 1 ? 0 : Math.max(0, -Math.floor(Math.log10(step)));
}

function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? '#888888';
}

function uniqueSorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** One decimal: enough for the eye, short enough to keep the markup readable and byte-stable. */
function coordinate(value: number): string {
  return String(Math.round(value * 10) / 10);
}

const numberFormats = new Map<number, Intl.NumberFormat>();

/** A fixed locale: output must not depend on the machine that renders it. */
export function formatNumber(value: number, maximumFractionDigits = 0): string {
  let format = numberFormats.get(maximumFractionDigits);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits });
    numberFormats.set(maximumFractionDigits, format);
  }
  return format.format(value);
}

/** Milliseconds with precision where it matters: 0.42, 3.7, 31.7, 1,234. */
export function formatMs(value: number): string {
  return formatNumber(value, value < 1 ? 2 : value < 100 ? 1 : 0);
}

export function escapeXml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
