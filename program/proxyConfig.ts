/**
 * The reverse proxy's nginx configuration, rendered from the route table.
 * Pure, so it is tested without mocks and its text feeds the ConfigMap hash.
 *
 * nginx resolves a literal `proxy_pass` host once, at start, and keeps that
 * address: a recreated backend Service (a new ClusterIP) would get 502s until
 * the proxy restarts. So every upstream is a variable, which nginx resolves
 * per request through `resolver`, caching the answer for `RESOLVER_VALID_SECONDS`.
 * `resolver` needs an address, not a name, and the cluster DNS's address differs
 * between clusters. The image's entrypoint reads it from /etc/resolv.conf at
 * start (`NGINX_ENTRYPOINT_LOCAL_RESOLVERS`) and substitutes it into this
 * template, which is why the config ships as a template.
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

/** The variable the image's entrypoint sets to the nameservers of /etc/resolv.conf. */
export const RESOLVERS_VARIABLE = "NGINX_LOCAL_RESOLVERS";

/** How long nginx trusts a backend's address: a recreated Service is followed within this time. */
export const RESOLVER_VALID_SECONDS = 10;

/**
 * How the official nginx images' entrypoint turns the template into the config:
 * it renders `templateDir/<name>.template` into `outputDir/<name>` with envsubst,
 * substituting only the variables `NGINX_ENVSUBST_FILTER` matches, so nginx's own
 * `$variables` are never touched.
 */
export const PROXY_TEMPLATE = {
    templateDir: "/etc/nginx/templates",
    fileName: "default.conf.template",
    /** Written at start, so it must be writable under a read-only root filesystem. */
    outputDir: "/etc/nginx/conf.d",
    env: {
        NGINX_ENTRYPOINT_LOCAL_RESOLVERS: "1",
        NGINX_ENVSUBST_FILTER: `^${RESOLVERS_VARIABLE}$`,
    },
} as const;

/** Fully qualified: nginx's resolver doesn't use the search domains of /etc/resolv.conf. */
function upstreamHost(route: ProxyRoute, namespace: string): string {
    return `${route.serviceName}.${namespace}.svc.cluster.local:${route.servicePort}`;
}

/** nginx variable names allow letters, digits and underscores. */
function upstreamVariable(route: ProxyRoute): string {
    return `$upstream_${route.serviceName.replace(/[^A-Za-z0-9]/g, "_")}`;
}

const PROXY_HEADERS = [
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
];

function location(match: string, body: string[]): string {
    return [`    location ${match} {`, ...body.map((l) => `        ${l}`), "    }"].join("\n");
}

/** `/api/<name>/x?y` goes to the backend as `/x?y`. */
function routeLocation(route: ProxyRoute, namespace: string): string {
    const variable = upstreamVariable(route);
    return location(route.prefix, [
        `set ${variable} ${upstreamHost(route, namespace)};`,
        `rewrite ^${route.prefix}(.*)$ /$1 break;`,
        `proxy_pass http://${variable};`,
        ...PROXY_HEADERS,
    ]);
}

/** `/api/health` answers from the first backend's `/healthz`. */
function healthLocation(route: ProxyRoute, namespace: string): string {
    const variable = upstreamVariable(route);
    return location("= /api/health", [
        `set ${variable} ${upstreamHost(route, namespace)};`,
        `proxy_pass http://${variable}/healthz;`,
        ...PROXY_HEADERS,
    ]);
}

function checkRoutes(routes: ProxyRoute[]): void {
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
}

/**
 * Renders `default.conf.template` for nginx-unprivileged listening on `port`
 * (see `PROXY_TEMPLATE`). `/api/health` answers from the first backend's
 * `/healthz`, so the seed's `curl reverseproxy-svc:8080/api/health` exercises
 * the whole chain.
 */
export function renderProxyConfig(port: number, namespace: string, routes: ProxyRoute[]): string {
    checkRoutes(routes);
    const lines = [
        "# Rendered by the orchestration program; edit program/proxyConfig.ts, not this text.",
        `# A template: the image's entrypoint fills in ${RESOLVERS_VARIABLE} at start.`,
        "server {",
        `    listen ${port};`,
        "    server_name _;",
        "",
        "    # The cluster DNS, per request: a recreated backend Service is followed.",
        `    resolver \${${RESOLVERS_VARIABLE}} valid=${RESOLVER_VALID_SECONDS}s ipv6=off;`,
        "    resolver_timeout 5s;",
        "",
        `    location = ${PROXY_HEALTH.readiness} { access_log off; default_type text/plain; return 200 "ok\\n"; }`,
        `    location = ${PROXY_HEALTH.liveness} { access_log off; default_type text/plain; return 200 "ok\\n"; }`,
        "",
        healthLocation(routes[0], namespace),
        ...routes.map((r) => routeLocation(r, namespace)),
        "",
        `    location / { default_type text/plain; return 404 "no route\\n"; }`,
        "}",
        "",
    ];
    return lines.join("\n");
}

/**
 * The config nginx runs: the template with `${NGINX_LOCAL_RESOLVERS}` replaced,
 * as the entrypoint's envsubst does. `resolvers` is one or more addresses
 * separated by spaces, for example `10.100.0.10` or `127.0.0.1:5353`.
 */
export function substituteResolvers(template: string, resolvers: string): string {
    if (!/^\S+( \S+)*$/.test(resolvers)) {
        throw new Error(
            `resolvers ${JSON.stringify(resolvers)} must be addresses separated by spaces`,
        );
    }
    return template.split(`\${${RESOLVERS_VARIABLE}}`).join(resolvers);
}
