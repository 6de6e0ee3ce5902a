/**
 * "Users who signed up on day D in country C", read from the day table the stage's readers read: every bucket
 * of (D, C), one query per partition by its full partition key, a few at a time. No scan, no ALLOW FILTERING,
 * and no bucket hash: a reader reads buckets 0..N-1 (the DAGs' reader does the same, mwaa-dags reconcile.py).
 */
import type { Client, types } from 'cassandra-driver';
import { type DayTableReads, dayTablePartitions } from '../../lambdas/shared/schema/cassandra/index.js';

export interface DayPartitionRows {
  /** The partition's bucket; null for the legacy table. */
  readonly bucket: number | null;
  readonly rows: readonly types.Row[];
}

/** Partition reads in flight at once. */
export const PARTITION_READS_IN_FLIGHT = 16;

/** Every row of (day, country), partition by partition (each read whole, page by page). */
export async function readSignupDay(
  client: Client,
  keyspace: string,
  reads: DayTableReads,
  day: string,
  country: string,
  columns: readonly string[] = ['*'],
): Promise<DayPartitionRows[]> {
  const restriction = reads.table.partitionKey.map((column) => `${column} = ?`).join(' AND ');
  const query = `SELECT ${columns.join(', ')} FROM ${keyspace}.${reads.table.name} WHERE ${restriction}`;
  const keys = dayTablePartitions(reads, day, country);
  const results: DayPartitionRows[] = new Array(keys.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < keys.length; index = next++) {
      const key = keys[index] as unknown[];
      const rows: types.Row[] = [];
      let pageState: string | undefined;
      do {
        const page = await client.execute(query, key, {
          prepare: true,
          fetchSize: 1_000,
          ...(pageState ? { pageState } : {}),
        });
        rows.push(...page.rows);
        pageState = page.pageState ?? undefined;
      } while (pageState);
      results[index] = { bucket: reads.buckets === null ? null : (key[2] as number), rows };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTITION_READS_IN_FLIGHT, keys.length) }, worker));
  return results;
}
