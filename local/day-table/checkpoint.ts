import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where a day-table backfill stands: saved after every slice, so a run resumes at the next one. */
export interface BackfillCheckpoint {
  readonly version: 1;
  readonly keyspace: string;
  readonly buckets: number;
  /** Token ranges the ring was cut into. */
  readonly slices: number;
  /** The first slice not yet copied; `slices` when the backfill is done. */
  readonly nextSlice: number;
  readonly rowsCopied: number;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
}

/** A backfill's checkpoint in one JSON file, written atomically (a new file renamed over the old one). */
export class CheckpointStore {
  constructor(
    readonly file: string,
    private readonly expected: { readonly keyspace: string; readonly buckets: number },
  ) {}

  /** The saved checkpoint, or undefined; refuses one of another keyspace or bucket count. */
  load(): BackfillCheckpoint | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const saved = JSON.parse(text) as BackfillCheckpoint;
    if (saved.keyspace !== this.expected.keyspace || saved.buckets !== this.expected.buckets) {
      throw new CheckpointMismatchError(
        `${this.file} is the backfill of keyspace ${saved.keyspace} with ${saved.buckets} buckets, not ` +
          `${this.expected.keyspace} with ${this.expected.buckets}: pass another --checkpoint, or --restart`,
      );
    }
    return saved;
  }

  fresh(slices: number): BackfillCheckpoint {
    const now = new Date().toISOString();
    return {
      version: 1,
      ...this.expected,
      slices,
      nextSlice: 0,
      rowsCopied: 0,
      startedAt: now,
      updatedAt: now,
    };
  }

  save(checkpoint: BackfillCheckpoint): BackfillCheckpoint {
    const saved = { ...checkpoint, updatedAt: new Date().toISOString() };
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(saved, null, 2)}\n`);
    renameSync(temporary, this.file);
    return saved;
  }
}

/** True when every slice is copied. */
export function isComplete(checkpoint: BackfillCheckpoint | undefined): boolean {
  return checkpoint !== undefined && checkpoint.nextSlice >= checkpoint.slices;
}
