/**
 * The shape of the seed's application: its services' names, ports and routes.
 * Pure constants, so the config (capacity check) and the deployment (app.ts)
 * both read them without importing each other.
 */

/** The reverse proxy: the seed calls it as `reverseproxy-svc:8080`. */
export const PROXY = { name: "reverseproxy", serviceName: "reverseproxy-svc", port: 8080 } as const;

/** The backends, each behind `/api/<name>/` on the proxy. */
export const BACKENDS = [
    { name: "backend-user", prefix: "/api/users/", message: "Hello from the users backend" },
    { name: "backend-feed", prefix: "/api/feed/", message: "Hello from the feed backend" },
] as const;

/** podinfo listens here. */
export const BACKEND_PORT = 9898;
/** The backends' Services expose this port. */
export const BACKEND_SERVICE_PORT = 80;

/** How many ScalableServices the application runs (for the capacity check). */
export const APP_SERVICE_COUNT = BACKENDS.length + 1;
