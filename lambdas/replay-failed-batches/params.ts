/** Parameters of a failed-batches replay, the same for the CLI, the Lambda event and the DAG. */
export interface ReplayParams {
  /** Report what would be replayed; produce and commit nothing. */
  readonly dryRun: boolean;
  /** Only records that failed at or after this instant; older ones are skipped and passed over. */
  readonly since?: Date;
  /** Only this partition of the failure topic (= the source partition: same key, same partition count). */
  readonly partition?: number;
  /** Replay at most this many records; the rest waits for the next run. */
  readonly limit?: number;
}

/** Thrown for a bad parameter; `field` names it (`since`, `partition`, `limit`, `dryRun`). */
export class ReplayParamError extends Error {
  override readonly name = 'ReplayParamError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Validates raw parameters (strings from a command line, or JSON values from a Lambda event / DAG).
 *
 * @throws ReplayParamError naming the first bad field
 */
export function parseReplayParams(raw: {
  readonly dryRun?: unknown;
  readonly since?: unknown;
  readonly partition?: unknown;
  readonly limit?: unknown;
}): ReplayParams {
  const params: { dryRun: boolean; since?: Date; partition?: number; limit?: number } = {
    dryRun: parseBoolean(raw.dryRun),
  };
  if (raw.since !== undefined && raw.since !== null && raw.since !== '') params.since = parseSince(raw.since);
  if (raw.partition !== undefined && raw.partition !== null) {
    params.partition = wholeNumber('partition', raw.partition, 0, 100_000);
  }
  if (raw.limit !== undefined && raw.limit !== null)
    params.limit = wholeNumber('limit', raw.limit, 1, 10_000_000);
  return params;
}

function parseBoolean(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ReplayParamError('dryRun', `dryRun must be true or false, got ${JSON.stringify(value)}`);
}

/** An ISO-8601 instant (`2026-11-27T10:00:00Z`) or an age such as `30m`, `2h`, `1d` before now. */
function parseSince(value: unknown, now = Date.now()): Date {
  const text = String(value);
  const age = /^(\d+)([smhd])$/.exec(text);
  if (age) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(age[1]) * unit);
  }
  const at = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? new Date(text) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new ReplayParamError(
      'since',
      `since must be an ISO-8601 instant or an age like 30m, 2h, 1d; got "${text}"`,
    );
  }
  return at;
}

function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  const number = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ReplayParamError(
      field,
      `${field} must be a whole number from ${min} to ${max}, got "${String(value)}"`,
    );
  }
  return number;
}
