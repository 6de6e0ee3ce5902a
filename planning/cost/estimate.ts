#!/usr/bin/env node
// Monthly cost estimate of a stage: npx tsx planning/cost/estimate.ts --stage dev|prod [--events-per-second N]
import { isStageName, loadStageConfig, STAGE_NAMES } from '../../bin/config/index.js';
import { exitWithUsage, parseCli } from '../../tools/cli/args.js';
import {
  type CostLine,
  DEFAULT_TTL_OPTION_DAYS,
  estimateMonthlyCost,
  keyspacesStorageGrowth,
  summarize,
} from './model.js';
import { UNIT_PRICES_AS_OF, UNIT_PRICES_REGION } from './unit-prices.js';

/** Printed next to a unit price nobody could confirm against a source. */
const UNCONFIRMED_MARK = '(unconfirmed)';

const USAGE = `usage: npm run cost -- [--stage NAME] [--events-per-second N] [--api-share F] [--ttl-days N]

Monthly AWS cost estimate of a stage, from its stage config and the unit prices in planning/cost/unit-prices.ts.

options:
  --stage NAME              stage to price: ${STAGE_NAMES.join(', ')} (default dev)
  --events-per-second N     sustained ingestion rate, a number >= 0 (default 10)
  --api-share F             share of events pushed through API Gateway, 0 to 1 (default 1)
  --ttl-days N              Keyspaces user-table TTL to price, whole days 0-7300 (default: the stage's
                            retention.userRowsTtlDays); the storage table compares it with no TTL
  -h, --help                show this help`;

const { values } = parseCli({
  usage: USAGE,
  options: {
    stage: { type: 'string', default: 'dev' },
    'events-per-second': { type: 'string', default: '10' },
    'api-share': { type: 'string', default: '1' },
    'ttl-days': { type: 'string' },
  },
});
const eventsPerSecond = Number(values['events-per-second']);
const apiShare = Number(values['api-share']);
if (!Number.isFinite(eventsPerSecond) || eventsPerSecond < 0) {
  exitWithUsage(USAGE, `--events-per-second must be a number >= 0, got "${values['events-per-second']}"`);
}
if (!(apiShare >= 0 && apiShare <= 1)) {
  exitWithUsage(USAGE, `--api-share must be a number from 0 to 1, got "${values['api-share']}"`);
}
const ttlDays = values['ttl-days'] === undefined ? undefined : Number(values['ttl-days']);
if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && ttlDays >= 0 && ttlDays <= 7_300)) {
  exitWithUsage(USAGE, `--ttl-days must be a whole number from 0 to 7300, got "${values['ttl-days']}"`);
}
if (!isStageName(values.stage)) {
  exitWithUsage(USAGE, `--stage must be one of ${STAGE_NAMES.join(', ')}, got "${values.stage}"`);
}
const config = loadStageConfig(values.stage, {});
const workload = {
  eventsPerSecond,
  apiShare,
  ...(ttlDays === undefined ? {} : { userRowsTtlDays: ttlDays }),
};
const lines = estimateMonthlyCost(config, workload);
if (lines.length === 0) {
  console.log(`Stage ${config.stageName} runs on LocalStack: no AWS cost.`);
  process.exit(0);
}

const usd = (value: number) => `$${value.toFixed(2)}`;
const qty = (value: number) => (value >= 100 ? value.toFixed(0) : value.toPrecision(3));
const rows: string[][] = lines.map((l: CostLine) => [
  l.service,
  l.item,
  `${qty(l.quantity)} ${l.unit}`,
  `${l.unitPrice}${l.unconfirmed ? ` ${UNCONFIRMED_MARK}` : ''}`,
  usd(l.monthlyUsd),
]);
const header = ['service', 'item', 'quantity', 'unit price', 'monthly'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const format = (row: string[]) =>
  row.map((cell, i) => (i >= 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
console.log(
  `Stage ${config.stageName}, ${eventsPerSecond} events/s (${(eventsPerSecond * 2.592).toFixed(2)} M events/month), ` +
    `API share ${apiShare}. List prices ${UNIT_PRICES_REGION} as of ${UNIT_PRICES_AS_OF} (see planning/cost/unit-prices.ts).`,
);
console.log(format(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(format(row));
const { byService, total } = summarize(lines);
console.log('');
for (const [service, cost] of [...byService].sort((a, b) => b[1] - a[1]))
  console.log(`${service.padEnd(16)} ${usd(cost).padStart(10)}`);
console.log(`${'TOTAL'.padEnd(16)} ${usd(total).padStart(10)} per month`);
const unconfirmed = lines.filter((l) => l.unconfirmed);
if (unconfirmed.length > 0) {
  console.log('');
  console.log(
    `${UNCONFIRMED_MARK}: no source confirmed the unit price of: ${unconfirmed.map((l) => `${l.service} ${l.item}`).join('; ')}.`,
  );
}
console.log('');
const growth = keyspacesStorageGrowth(config, workload);
const option = ttlDays || config.retention.userRowsTtlDays || DEFAULT_TTL_OPTION_DAYS;
const priced =
  (ttlDays ?? config.retention.userRowsTtlDays) > 0 ? 'priced above' : 'an option; priced above: no TTL';
console.log(
  `Keyspaces storage + PITR without TTL (each month adds its rows) and with a ${option}-day TTL (${priced}):`,
);
for (const g of growth.filter((g) => [1, 3, 6, 12].includes(g.month)))
  console.log(
    `  month ${String(g.month).padStart(2)}: no TTL ${g.gb.toFixed(1)} GB, ${usd(g.monthlyUsd)}; ` +
      `TTL ${option} days ${g.withTtl.gb.toFixed(1)} GB, ${usd(g.withTtl.monthlyUsd)}`,
  );
