/** Tests that run a handler in their own process behind the local MSK bridge, as `npm start` wires them. */
import { MskBridge, type MskBridgeOptions } from '../../local/runtime/msk-bridge.js';

/**
 * Starts a bridge, waits until `done` holds, stops it (also when waiting fails) and returns it for its stats.
 * At `timeoutMs` it fails with the bridge's counts instead of leaving later assertions to guess why.
 */
export async function runBridgeUntil(
  options: MskBridgeOptions,
  done: (bridge: MskBridge) => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<MskBridge> {
  const bridge = new MskBridge(options);
  await bridge.start();
  const deadline = Date.now() + timeoutMs;
  try {
    while (!(await done(bridge))) {
      if (Date.now() > deadline) {
        throw new Error(`bridge not done within ${timeoutMs} ms: ${JSON.stringify(bridge.stats)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await bridge.stop();
  }
  return bridge;
}

/** Ends the processor handler's own clients (module state of its container), so the test process exits. */
export async function endProcessorPool(): Promise<void> {
  const { closeProcessorClients } = await import('../../lambdas/processor/clients.js');
  await closeProcessorClients();
}
