/**
 * The reverse proxy's nginx configuration, rendered from the route table.
 * Pure, so it is tested without mocks and its text feeds the ConfigMap hash.
 */

/** One route: a path prefix under /api/ and the in-cluster Service it goes to. */
export interface ProxyRoute {
    /** Path prefix, for example `/api/users/`; must start and end with `/`. */
    prefix: string;
    /** The backend's Service name. */
    serviceName: string;
    /** The backend's Service port. */
    servicePort: number;
}

/** Paths nginx answers itself, for its own readiness and liveness probes. */
export const PROXY_HEALTH = { readiness: "/healthz", liveness: "/livez" } as const;

/** Fully qualified, so nginx resolves it without relying on search domains. */
function upstream(route: ProxyRoute, namespace: string): string {
    return `http://${route.serviceName}.${namespace}.svc.cluster.local:${route.servicePort}`;
}

/**
 * Renders `default.conf` for nginx-unprivileged listening on `port`.
 * `/api/health` answers from the first backend's `/healthz`, so the seed's
 * `curl reverseproxy-svc:8080/api/health` exercises the whole chain.
 */
export function renderProxyConfig(port: number, namespace: string, routes: ProxyRoute[]): string {
    if (routes.length === 0) {
        throw new Error("the reverse proxy needs at least one route");
    }
    for (const route of routes) {
        if (!/^\/api\/[a-z0-9-]+\/$/.test(route.prefix)) {
            throw new Error(
                `route prefix ${JSON.stringify(route.prefix)} must look like /api/<name>/`,
            );
        }
    }
    const proxyHeaders = [
        "proxy_set_header Host $host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ];
    const location = (match: string, target: string, extra: string[] = []) =>
        [
            `    location ${match} {`,
            `        proxy_pass ${target};`,
            ...extra.map((l) => `        ${l}`),
            "    }",
        ].join("\n");
    const lines = [
        "# Rendered by the orchestration program; edit program/proxyConfig.ts, not this text.",
        "server {",
        `    listen ${port};`,
        "    server_name _;",
        "",
        `    location = ${PROXY_HEALTH.readiness} { access_log off; default_type text/plain; return 200 "ok\\n"; }`,
        `    location = ${PROXY_HEALTH.liveness} { access_log off; default_type text/plain; return 200 "ok\\n"; }`,
        "",
        location("= /api/health", `${upstream(routes[0], namespace)}/healthz`, proxyHeaders),
        ...routes.map((r) => location(r.prefix, `${upstream(r, namespace)}/`, proxyHeaders)),
        "",
        `    location / { default_type text/plain; return 404 "no route\\n"; }`,
        "}",
        "",
    ];
    return lines.join("\n");
}
