import { strict as assert } from "assert";
import {
    PROXY_TEMPLATE,
    renderProxyConfig,
    RESOLVERS_VARIABLE,
    substituteResolvers,
} from "../program/proxyConfig";

const ROUTES = [
    { prefix: "/api/users/", serviceName: "backend-user", servicePort: 80 },
    { prefix: "/api/feed/", serviceName: "backend-feed", servicePort: 80 },
];

describe("reverse proxy config (pure)", () => {
    const conf = renderProxyConfig(8080, "apps", ROUTES);

    it("listens on the container port and answers its own probes", () => {
        assert.match(conf, /^\s+listen 8080;$/m);
        assert.match(
            conf,
            /location = \/healthz \{ access_log off; default_type text\/plain; return 200 "ok\\n"; \}/,
        );
        assert.match(conf, /location = \/livez \{/);
    });

    it("resolves through the cluster DNS that the entrypoint substitutes, re-resolving every 10 s", () => {
        assert.match(conf, /^ {4}resolver \$\{NGINX_LOCAL_RESOLVERS\} valid=10s ipv6=off;$/m);
        assert.match(conf, /^ {4}resolver_timeout 5s;$/m);
    });

    it("never gives proxy_pass a literal host, which nginx would resolve only once", () => {
        const targets = [...conf.matchAll(/proxy_pass (\S+);/g)].map((m) => m[1]);
        assert.deepEqual(targets, [
            "http://$upstream_backend_user/healthz",
            "http://$upstream_backend_user",
            "http://$upstream_backend_feed",
        ]);
    });

    it("routes each /api/<name>/ prefix to its backend by fully qualified Service name, stripping the prefix", () => {
        assert.match(
            conf,
            /location \/api\/users\/ \{\n {8}set \$upstream_backend_user backend-user\.apps\.svc\.cluster\.local:80;\n {8}rewrite \^\/api\/users\/\(\.\*\)\$ \/\$1 break;\n {8}proxy_pass http:\/\/\$upstream_backend_user;/,
        );
        assert.match(
            conf,
            /location \/api\/feed\/ \{\n {8}set \$upstream_backend_feed backend-feed\.apps\.svc\.cluster\.local:80;\n {8}rewrite \^\/api\/feed\/\(\.\*\)\$ \/\$1 break;/,
        );
    });

    it("answers /api/health from the first backend's health endpoint", () => {
        assert.match(
            conf,
            /location = \/api\/health \{\n {8}set \$upstream_backend_user backend-user\.apps\.svc\.cluster\.local:80;\n {8}proxy_pass http:\/\/\$upstream_backend_user\/healthz;/,
        );
    });

    it("is deterministic, so the ConfigMap hash only changes with the routes", () => {
        assert.equal(renderProxyConfig(8080, "apps", ROUTES), conf);
    });

    it("rejects malformed prefixes and an empty route table", () => {
        assert.throws(() => renderProxyConfig(8080, "apps", []), /at least one route/);
        assert.throws(
            () =>
                renderProxyConfig(8080, "apps", [
                    { prefix: "/users", serviceName: "b", servicePort: 80 },
                ]),
            /"\/users" must look like \/api\/<name>\//,
        );
    });
});

describe("reverse proxy template (pure)", () => {
    const template = renderProxyConfig(8080, "apps", ROUTES);

    it("substitutes only the resolvers variable, as the entrypoint's filtered envsubst does", () => {
        const conf = substituteResolvers(template, "10.100.0.10");
        assert.match(conf, /^ {4}resolver 10\.100\.0\.10 valid=10s ipv6=off;$/m);
        assert.ok(!conf.includes("${"), "no placeholder left");
        assert.equal(
            conf.replace("resolver 10.100.0.10 ", `resolver \${${RESOLVERS_VARIABLE}} `),
            template,
            "nothing else changes: nginx's own $variables stay",
        );
        assert.throws(() => substituteResolvers(template, ""), /resolvers "" must be addresses/);
    });

    it("asks the image's entrypoint for /etc/resolv.conf's nameservers and filters envsubst to them", () => {
        assert.deepEqual(PROXY_TEMPLATE.env, {
            NGINX_ENTRYPOINT_LOCAL_RESOLVERS: "1",
            NGINX_ENVSUBST_FILTER: "^NGINX_LOCAL_RESOLVERS$",
        });
        assert.equal(PROXY_TEMPLATE.fileName, "default.conf.template");
        const placeholders = [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
        assert.deepEqual(placeholders, [RESOLVERS_VARIABLE]);
    });
});
