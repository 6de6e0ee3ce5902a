// The local console's page: draws the dashboard definition (/api/definition) with uPlot and refreshes it
// from /api/state every two seconds. Plain browser JavaScript, served as is.
const COLORS = ['#0073bb', '#d13212', '#1d8102', '#8d6708', '#6b40b8', '#007e8a'];
const charts = new Map();
let definition;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function chartWidth(widget) {
  const main = document.getElementById('dashboard').clientWidth;
  return Math.max(200, Math.floor((main * widget.width) / 24) - 20);
}

function buildChart(widget, container) {
  const hasRight = widget.series.some((s) => s.axis === 'right');
  const opts = {
    width: chartWidth(widget),
    height: 170,
    legend: { live: false },
    scales: { x: { time: true }, y: {}, r: {} },
    axes: [
      {},
      { scale: 'y', size: 60 },
      ...(hasRight ? [{ scale: 'r', side: 1, grid: { show: false }, size: 60 }] : []),
    ],
    series: [
      {},
      ...widget.series.map((s, i) => ({
        label: s.local ? s.label : `${s.label} (AWS only)`,
        scale: s.axis === 'right' ? 'r' : 'y',
        stroke: COLORS[i % COLORS.length],
        width: 2,
        spanGaps: false,
      })),
    ],
  };
  const empty = [[], ...widget.series.map(() => [])];
  return new uPlot(opts, empty, container);
}

function renderLayout() {
  document.getElementById('title').textContent = `${definition.name} (local console)`;
  document.getElementById('periods').textContent =
    `Graphs: ${definition.graphPeriodSeconds} s periods, local (CloudWatch high-resolution metrics allow this too), ` +
    `from the console's start. Alarms: their definition's ${definition.alarmPeriodSeconds} s periods, as in AWS.`;
  const main = document.getElementById('dashboard');
  for (const segment of definition.segments) {
    main.append(el('h2', { id: `segment-${segment.id}` }, segment.title));
    for (const row of segment.rows) {
      main.append(el('h3', {}, row.title));
      const grid = el('div', { class: 'row' });
      main.append(grid);
      for (const widget of row.widgets) {
        const box = el('div', { class: 'widget', id: `widget-${widget.id}`, 'data-title': widget.title });
        box.style.gridColumn = `span ${widget.width}`;
        box.append(el('h4', {}, widget.title));
        if (widget.series.every((s) => !s.local))
          box.append(el('div', { class: 'aws-only' }, 'Published by AWS only; no local source.'));
        grid.append(box);
        charts.set(widget.id, buildChart(widget, box));
      }
    }
  }
  const alarms = document.getElementById('alarms');
  for (const alarm of definition.alarms) {
    const badge = el('span', {
      class: 'alarm',
      id: `alarm-${alarm.id}`,
      'data-state': 'INSUFFICIENT_DATA',
      title: `${alarm.description}\n${alarm.rule}`,
    });
    badge.append(
      el('a', { href: alarm.runbook, target: '_blank' }, alarm.id),
      ' ',
      el('b', { class: 'state' }, '…'),
    );
    alarms.append(badge);
  }
}

function table(headers, rows) {
  const t = el('table');
  t.append(el('tr', {}, ...headers.map((h) => el('th', {}, h))));
  for (const row of rows)
    t.append(
      el('tr', {}, ...row.map((c) => (c instanceof Node ? el('td', {}, c) : el('td', {}, String(c))))),
    );
  return t;
}

/** A count with how it was obtained: exact counts as they are, estimates marked ≈; the source as tooltip. */
function countCell(count) {
  const text = `${count.exact ? '' : '≈ '}${count.count.toLocaleString('en-US')} ${count.unit}`;
  return el('span', { class: count.exact ? 'exact' : 'estimate', title: count.source }, text);
}

function renderPipeline(pipeline, written) {
  const box = document.getElementById('pipeline');
  box.replaceChildren();
  const panel = (id, title, ...content) =>
    box.append(el('div', { class: 'panel', id }, el('b', {}, title), ...content));
  panel(
    'written',
    'Written since the console started',
    el('div', { class: 'muted' }, "exact: the handlers' own counts (EMF)"),
    table(
      ['store', 'what', 'count'],
      written.map((c) => [c.store, c.table, countCell(c)]),
    ),
  );
  if (!pipeline) return;
  panel(
    'lag',
    'Consumer lag per partition',
    table(
      ['partition', 'lag'],
      pipeline.lagByPartition.map((p) => [p.partition, p.lag]),
    ),
  );
  panel(
    'failure-topic',
    'Failure topic depth',
    el(
      'div',
      { class: 'value' },
      pipeline.failureTopicDepth === null ? 'no failure topic' : String(pipeline.failureTopicDepth),
    ),
  );
  panel(
    'dead-letters',
    'Latest dead letters by reason',
    el(
      'div',
      { class: 'muted' },
      `the newest ${pipeline.recentDeadLettersRead.toLocaleString('en-US')} at most`,
    ),
    table(
      ['reason', 'count'],
      pipeline.recentDeadLettersByReason.map((d) => [d.reason, d.count]),
    ),
  );
  panel(
    'rows',
    'Table sizes',
    el('div', { class: 'muted' }, "≈ derived from the stores' statistics, no scan (hover for the source)"),
    table(
      ['store', 'table', 'size'],
      pipeline.estimatedSizes.map((c) => [c.store, c.table, countCell(c)]),
    ),
  );
  const errors = Object.entries(pipeline.errors);
  if (errors.length > 0)
    panel('snapshot-errors', 'Unreachable', ...errors.map(([k, v]) => el('div', {}, `${k}: ${v}`)));
}

async function refresh() {
  const state = await (await fetch('/api/state')).json();
  for (const [id, values] of Object.entries(state.widgets)) {
    charts.get(id)?.setData([state.timestamps, ...values]);
    // For tests and scripts: how many points the widget draws, and each series' latest value.
    const box = document.getElementById(`widget-${id}`);
    box.dataset.points = String(values.flat().filter((v) => v !== null).length);
    box.dataset.latest = JSON.stringify(values.map((s) => s.filter((v) => v !== null).at(-1) ?? null));
  }
  for (const [id, alarm] of Object.entries(state.alarms)) {
    const badge = document.getElementById(`alarm-${id}`);
    badge.dataset.state = alarm.state;
    badge.querySelector('.state').textContent = alarm.state;
  }
  renderPipeline(state.pipeline, state.written);
  document.getElementById('updated').textContent = `updated ${new Date(state.now).toLocaleTimeString()}`;
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
}

async function main() {
  definition = await (await fetch('/api/definition')).json();
  renderLayout();
  const tick = () =>
    refresh().catch((e) => {
      document.getElementById('updated').textContent = `console unreachable: ${e}`;
    });
  await tick();
  setInterval(tick, 2000);
}
main();
