/** Users due `elapsedMs` into a run offering `ratePerSecond` (open loop: the clock decides, not the answers). */
export function usersDue(elapsedMs: number, ratePerSecond: number, total: number): number {
  return Math.min(total, Math.floor((elapsedMs / 1000) * ratePerSecond));
}
