/**
 * Who may call each route of the push API: the one rule the CDK methods (authorization), the OpenAPI document
 * (`security`) and the local API Gateway adapter (its key check) all read.
 */

/** `authenticated`: the stage's caller authentication (api.auth: an API key or a SigV4 signature). */
export type RouteCallers = 'public' | 'authenticated';

export interface PushApiRoute {
  readonly method: string;
  /** The resource as API Gateway names it (`{id}` is one path segment). */
  readonly resource: string;
  readonly callers: RouteCallers;
}

/** Both user methods carry personal data (or erase it); the health probe returns none. */
export const PUSH_API_ROUTES = [
  { method: 'POST', resource: '/v1/users', callers: 'authenticated' },
  { method: 'DELETE', resource: '/v1/users/{id}', callers: 'authenticated' },
  { method: 'GET', resource: '/v1/health', callers: 'public' },
] as const satisfies readonly PushApiRoute[];

/**
 * True only for a route declared public. Anything else, an undeclared method or resource included, needs the
 * stage's caller authentication: what is not listed is never open by accident.
 */
export function isPublicRoute(method: string, resource: string): boolean {
  return PUSH_API_ROUTES.some(
    (route) => route.method === method && route.resource === resource && route.callers === 'public',
  );
}
