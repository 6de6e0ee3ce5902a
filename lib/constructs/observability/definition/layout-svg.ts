import { allAlarms, type DashboardSpec, type GraphWidgetSpec } from './types.js';

/** First line of the generated picture (staleness-tested in test/infra/lib/constructs/observability/observability.test.ts). */
export const LAYOUT_SVG_HEADER =
  '<!-- generated from lib/constructs/observability/definition by `npm run pictures`, do not edit -->';

const WIDTH = 1200;
const COLUMN = WIDTH / 24;
const UNIT = 22;
const COLORS = ['#0073bb', '#d13212', '#1d8102', '#8d6708', '#6b40b8', '#007e8a'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x}" y="${y}" ${attrs}>${escapeXml(content)}</text>`;
}

/** One graph: its box, title and a legend line per series (the series CloudWatch will plot). */
function widgetSvg(widget: GraphWidgetSpec, x: number, y: number): string {
  const w = widget.width * COLUMN - 8;
  const h = widget.height * UNIT - 8;
  const series = [...widget.left, ...widget.right];
  const legend = series.map((s, i) => {
    const ly = y + 40 + i * 15;
    return `<rect x="${x + 10}" y="${ly - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>${text(x + 26, ly, s.label, 'font-size="11"')}`;
  });
  return [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="#fff" stroke="#d5dbdb"/>`,
    text(x + 8, y + 18, widget.title, 'font-size="13" font-weight="bold"'),
    ...legend,
  ].join('');
}

/**
 * The dashboard's layout as CloudWatch lays it out (24 columns, rows left to right, a heading per row),
 * drawn from the definition: what `cdk deploy` will show, before paying for it.
 */
export function dashboardLayoutSvg(spec: DashboardSpec): string {
  const parts: string[] = [];
  let y = 40;
  for (const segment of spec.segments) {
    for (const row of segment.rows) {
      parts.push(text(8, y + 16, `${segment.title} · ${row.title}`, 'font-size="15" font-weight="bold"'));
      y += UNIT + 6;
      let x = 0;
      let rowHeight = 0;
      for (const widget of row.widgets) {
        if (x + widget.width * COLUMN > WIDTH) {
          x = 0;
          y += rowHeight * UNIT;
          rowHeight = 0;
        }
        parts.push(widgetSvg(widget, x + 4, y));
        x += widget.width * COLUMN;
        rowHeight = Math.max(rowHeight, widget.height);
      }
      y += rowHeight * UNIT + 8;
    }
  }
  const alarms = allAlarms(spec).map((a) => a.id);
  parts.push(text(8, y + 16, `Alarms (${alarms.length}): ${alarms.join(', ')}`, 'font-size="12"'));
  y += 30;
  return [
    LAYOUT_SVG_HEADER,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">`,
    `<title>Layout of the CloudWatch dashboard ${escapeXml(spec.name)}</title>`,
    `<rect width="${WIDTH}" height="${y}" fill="#f7f8fa"/>`,
    text(8, 24, `CloudWatch dashboard ${spec.name}`, 'font-size="18" font-weight="bold"'),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
