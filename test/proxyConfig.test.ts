import { strict as assert } from "assert";
import { renderProxyConfig } from "../program/proxyConfig";

describe("reverse proxy config (pure)", () => {
    const conf = renderProxyConfig(8080, "apps", [
        { prefix: "/api/users/", serviceName: "backend-user", servicePort: 80 },
        { prefix: "/api/feed/", serviceName: "backend-feed", servicePort: 80 },
    ]);

    it("listens on the container port and answers its own probes", () => {
        assert.match(conf, /^\s+listen 8080;$/m);
        assert.match(
            conf,
            /location = \/healthz \{ access_log off; default_type text\/plain; return 200 "ok\\n"; \}/,
        );
        assert.match(conf, /location = \/livez \{/);
    });

    it("routes each /api/<name>/ prefix to its backend by fully qualified Service name, stripping the prefix", () => {
        assert.match(
            conf,
            /location \/api\/users\/ \{\n {8}proxy_pass http:\/\/backend-user\.apps\.svc\.cluster\.local:80\/;/,
        );
        assert.match(
            conf,
            /location \/api\/feed\/ \{\n {8}proxy_pass http:\/\/backend-feed\.apps\.svc\.cluster\.local:80\/;/,
        );
    });

    it("answers /api/health from the first backend's health endpoint", () => {
        assert.match(
            conf,
            /location = \/api\/health \{\n {8}proxy_pass http:\/\/backend-user\.apps\.svc\.cluster\.local:80\/healthz;/,
        );
    });

    it("is deterministic, so the ConfigMap hash only changes with the routes", () => {
        const again = renderProxyConfig(8080, "apps", [
            { prefix: "/api/users/", serviceName: "backend-user", servicePort: 80 },
            { prefix: "/api/feed/", serviceName: "backend-feed", servicePort: 80 },
        ]);
        assert.equal(again, conf);
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
