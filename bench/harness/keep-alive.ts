import type { ClientRequest } from 'node:http';

/**
 * A request that failed because the server closed the idle keep-alive socket it was sent on: Node's HTTP
 * server closes a connection idle for its keepAliveTimeout (5 s), and a request written to that socket at the
 * same moment reads ECONNRESET. The server never saw the request, so sending it again on a fresh socket is
 * safe; Node's documentation of `request.reusedSocket` recommends exactly this retry.
 */
export function isStaleKeepAliveReset(request: Pick<ClientRequest, 'reusedSocket'>, error: unknown): boolean {
  return request.reusedSocket && (error as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET';
}
