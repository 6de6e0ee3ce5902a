import { userEvent, userPayload } from '../../test/support/user-events.js';
import { writeCassandra, writePostgres } from '../scenarios/store-ceiling.js';
import type { BenchContext } from './context.js';
import { ProcessSampler } from './process-sampler.js';

/** Users built and written at a time: bounded memory for a million. */
const PRELOAD_CHUNK = 10_000;

/**
 * Empties the bench tables, then writes `count` users to PostgreSQL and every Cassandra table of the layout
 * with the ceiling run's plain client code (multi-row INSERTs, concurrent prepared INSERTs) and the
 * processor's own row builders: the tables a scenario then runs against hold `count` users, as a stage's do
 * after months. Resolves with the seconds it took.
 */
export async function preloadUsers(context: BenchContext, count: number): Promise<number> {
  const started = performance.now();
  await context.stores.empty();
  const occurredAt = new Date().toISOString();
  let reported = 0;
  for (let first = 0; first < count; first += PRELOAD_CHUNK) {
    const size = Math.min(PRELOAD_CHUNK, count - first);
    const events = Array.from({ length: size }, (_, i) => userEvent(userPayload(first + i), occurredAt));
    await Promise.all([writePostgres(context, events, first), writeCassandra(context, events)]);
    if (first + size - reported >= 100_000 || first + size === count) {
      reported = first + size;
      const seconds = (performance.now() - started) / 1000;
      context.log(`  preloaded ${reported.toLocaleString('en-US')} users (${seconds.toFixed(0)} s)`);
    }
  }
  return (performance.now() - started) / 1000;
}

/** The stores' CPU, percent of one core, below which they count as settled after a preload. */
export const SETTLED_CPU_PERCENT = 15;
const SETTLE_WINDOW_MS = 5_000;
/** Quiet windows in a row that count as settled: one quiet window can fall between two compactions. */
const SETTLED_WINDOWS = 3;

/**
 * Vacuums and analyses the bench database, then waits, up to `maxSeconds`, until Kafka, Cassandra and
 * PostgreSQL together use less than {@link SETTLED_CPU_PERCENT} of one core over {@link SETTLED_WINDOWS}
 * 5-second windows in a row: after a bulk load Cassandra flushes and compacts and PostgreSQL's autovacuum
 * would visit the new rows, which would otherwise land in whichever measured run came first. Resolves with the
 * last window's figure.
 */
export async function waitForSettledStores(context: BenchContext, maxSeconds: number): Promise<number> {
  const deadline = performance.now() + maxSeconds * 1000;
  // Vacuumed now rather than by autovacuum during a measured run (1,000,000 inserts are over its threshold).
  await context.stores.postgres.query('VACUUM (ANALYZE)');
  let quiet = 0;
  for (;;) {
    const sampler = new ProcessSampler(context.services).start();
    await new Promise((r) => setTimeout(r, SETTLE_WINDOW_MS));
    const busy = sampler.stop().processes.reduce((sum, p) => sum + p.cpuPercent, 0);
    quiet = busy < SETTLED_CPU_PERCENT ? quiet + 1 : 0;
    if (quiet >= SETTLED_WINDOWS || performance.now() > deadline) return Math.round(busy * 10) / 10;
    if (quiet === 0) context.log(`  stores still busy after the preload: ${busy.toFixed(1)} % of one core`);
  }
}
