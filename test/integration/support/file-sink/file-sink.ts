import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AcceptedDeletion,
  AcceptedEvent,
  Sink,
  SinkBatch,
} from '../../../../lambdas/processor/process-batch.js';
import { compareEvents, type OrderedEvent } from '../../../../lambdas/shared/contract/index.js';

/** The name of the throwaway third sink: its metrics are FileWriteLatency / FileWriteFailures. */
export const FILE_SINK_NAME = 'file';

/** A stored user: the newest create's order key and its payload. */
export interface FileUserRow extends OrderedEvent {
  readonly payload: AcceptedEvent['event']['payload'];
}

/** What the file holds: users by id, and the order key of each user's newest deletion (no personal data). */
export interface FileSinkState {
  readonly users: Record<string, FileUserRow>;
  readonly tombstones: Record<string, OrderedEvent>;
}

/** The state file of a sink directory. */
export function fileSinkStatePath(directory: string): string {
  return join(directory, 'users.json');
}

export async function readFileSinkState(directory: string): Promise<FileSinkState> {
  try {
    return JSON.parse(await readFile(fileSinkStatePath(directory), 'utf8')) as FileSinkState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { users: {}, tombstones: {} };
    throw error;
  }
}

/** One writer per directory in this process: concurrent invocations (partitions) take turns on the file. */
const turns = new Map<string, Promise<unknown>>();

async function update(directory: string, change: (state: FileSinkState) => void): Promise<void> {
  const previous = turns.get(directory) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const state = await readFileSinkState(directory);
      change(state);
      await mkdir(directory, { recursive: true });
      const temporary = `${fileSinkStatePath(directory)}.tmp`;
      await writeFile(temporary, JSON.stringify(state));
      await rename(temporary, fileSinkStatePath(directory));
    });
  turns.set(directory, next);
  await next;
}

const orderKey = (event: OrderedEvent): OrderedEvent => ({
  occurred_at: event.occurred_at,
  event_id: event.event_id,
});

/**
 * A sink that keeps users in one JSON file, newest-wins by compareEvents like the real stores: a create lands
 * only if newer than the stored create and the tombstone; a deletion newer than the tombstone removes the user
 * (if the stored create is older) and leaves a tombstone. Dead letters are not its business.
 */
export class FileSink implements Sink {
  readonly name = FILE_SINK_NAME;

  constructor(private readonly directory: string) {}

  async write({ users }: SinkBatch): Promise<void> {
    await update(this.directory, (state) => {
      for (const { event } of users) {
        const id = event.payload.id;
        const stored = state.users[id];
        const tombstone = state.tombstones[id];
        if (stored && compareEvents(event, stored) <= 0) continue;
        if (tombstone && compareEvents(event, tombstone) <= 0) continue;
        state.users[id] = { ...orderKey(event), payload: event.payload };
      }
    });
  }

  async delete(deletions: readonly AcceptedDeletion[]): Promise<void> {
    await update(this.directory, (state) => {
      for (const { event } of deletions) {
        const id = event.payload.id;
        const tombstone = state.tombstones[id];
        if (tombstone && compareEvents(event, tombstone) <= 0) continue;
        state.tombstones[id] = orderKey(event);
        const stored = state.users[id];
        if (stored && compareEvents(stored, event) < 0) delete state.users[id];
      }
    });
  }
}
