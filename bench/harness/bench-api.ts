/**
 * How the bench calls the local HTTP API: with the state directory's API key (as any client must), and with the
 * stage throttle raised explicitly, since the bench measures the pipeline, not API Gateway's 50 requests/s of
 * the dev stage. The reports record the raised limits (parameters.apiThrottle).
 */
import { API_KEY_HEADER, ensureLocalApiKey } from '../../local/runtime/api-gateway-access.js';
import type { LocalServicesSettings } from '../../local/services/config.js';

export const BENCH_API_THROTTLE = { rateLimit: 1_000_000, burstLimit: 1_000_000 } as const;

/** The flags of `npm start` and http-api-main.ts that raise the throttle to {@link BENCH_API_THROTTLE}. */
export const BENCH_API_THROTTLE_ARGS: readonly string[] = [
  '--api-rate',
  String(BENCH_API_THROTTLE.rateLimit),
  '--api-burst',
  String(BENCH_API_THROTTLE.burstLimit),
];

/** One line for the log and the report. */
export const BENCH_API_THROTTLE_NOTE =
  `local API throttle raised to ${BENCH_API_THROTTLE.rateLimit} req/s, burst ${BENCH_API_THROTTLE.burstLimit} ` +
  "(the stages' own limits are not what the bench measures)";

/** The `x-api-key` header of the state directory the bench's API runs on (dev's api.auth). */
export function benchApiHeaders(settings: LocalServicesSettings): Record<string, string> {
  return { [API_KEY_HEADER]: ensureLocalApiKey(settings.stateDir) };
}
