/**
 * The one logger type of the Lambda code: structurally the Powertools `Logger` (what the functions log with)
 * and `console` (the local tools, tests), so either is passed as is (test/types/compatibility.test-d.ts).
 */
export interface StructuredLogger {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** Logs nothing: the default where a caller did not pass a logger. */
export const silentLogger: StructuredLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
