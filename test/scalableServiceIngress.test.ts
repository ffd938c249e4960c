import { strict as assert } from "assert";
import { resolveScalableService, ScalableServiceArgs } from "../components";
import {
    buildIngressMetadata,
    buildIngressSpec,
    isIngressHost,
} from "../components/scalable-service/ingress";
import { buildMetadata, buildNetworkPolicySpec } from "../components/scalable-service/specs";
import { assertRejected, minimalArgs } from "./fixtures";

const resolve = (extra: Partial<ScalableServiceArgs>) =>
    resolveScalableService("web", { ...minimalArgs(), servicePort: 80, ...extra }).resolved;

function rejects(extra: Partial<ScalableServiceArgs>, ...fragments: string[]): void {
    assertRejected("web", { servicePort: 80, ...extra }, ...fragments);
}

describe("ingress (pure)", () => {
    it("routes every path of the host to the Service's port, as Prefix by default", () => {
        const svc = resolve({ ingress: { host: "shop.example.com" } });
        assert.deepEqual(buildIngressSpec(svc.ingress!, svc.serviceName, svc.servicePort), {
            rules: [
                {
                    host: "shop.example.com",
                    http: {
                        paths: [
                            {
                                path: "/",
                                pathType: "Prefix",
                                backend: { service: { name: "web", port: { number: 80 } } },
                            },
                        ],
                    },
                },
            ],
        });
        assert.deepEqual(
            buildIngressMetadata(svc.ingress!, buildMetadata(svc)),
            buildMetadata(svc),
        );
    });

    it("sets the class, TLS for the host, annotations and typed paths when given", () => {
        const svc = resolve({
            ingress: {
                host: "*.example.com",
                paths: ["/api", { path: "/healthz", pathType: "Exact" }],
                className: "alb",
                tlsSecretName: "example-tls",
                annotations: { "alb.ingress.kubernetes.io/target-type": "ip" },
            },
        });
        const spec = buildIngressSpec(svc.ingress!, svc.serviceName, svc.servicePort) as any;
        assert.equal(spec.ingressClassName, "alb");
        assert.deepEqual(spec.tls, [{ hosts: ["*.example.com"], secretName: "example-tls" }]);
        assert.deepEqual(
            spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType]),
            [
                ["/api", "Prefix"],
                ["/healthz", "Exact"],
            ],
        );
        assert.deepEqual(buildIngressMetadata(svc.ingress!, buildMetadata(svc)).annotations, {
            "alb.ingress.kubernetes.io/target-type": "ip",
        });
    });

    it("opens the NetworkPolicy to any source by default, since the controller may sit outside the pods", () => {
        const np = buildNetworkPolicySpec(
            resolve({ ingress: { host: "shop.example.com" } }),
        ) as any;
        assert.deepEqual(np.ingress, [{ ports: [{ protocol: "TCP", port: 9898 }] }]);
        const narrowed = buildNetworkPolicySpec(
            resolve({
                ingress: { host: "shop.example.com" },
                networkPolicy: { ingressFrom: { namespaces: ["ingress-nginx"] } },
            }),
        ) as any;
        assert.equal(narrowed.ingress[0].from.length, 2);
    });

    it("accepts DNS names and wildcards as hosts, and refuses IPs, upper case and bare labels", () => {
        for (const ok of ["shop.example.com", "*.example.com", "a-b.c.d"]) {
            assert.equal(isIngressHost(ok), true, ok);
        }
        for (const bad of ["10.0.0.1", "Shop.example.com", "localhost", "*", "a..b", "", 5]) {
            assert.equal(isIngressHost(bad), false, String(bad));
        }
    });

    it("rejects a bad host, paths, path types, class and TLS secret, naming each field", () => {
        rejects(
            {
                ingress: {
                    host: "10.0.0.1",
                    paths: ["api", { path: "/x", pathType: "Regex" as never }, "/x"],
                    className: "ALB",
                    tlsSecretName: "tls_secret",
                    annotations: { "bad key": "x" },
                },
            },
            `'ingress.host' ("10.0.0.1") must be a lowercase DNS name`,
            `'ingress.paths[0].path' ("api") must start with '/'`,
            `'ingress.paths[1].pathType' ("Regex") must be one of Prefix, Exact, ImplementationSpecific`,
            `'ingress.paths[2].path' ("/x") is listed twice`,
            `'ingress.className' ("ALB") must be a DNS-1123 subdomain`,
            `'ingress.tlsSecretName' ("tls_secret") must be a DNS-1123 subdomain`,
            `'ingress.annotations.bad key' ("bad key") is not a valid annotation key`,
        );
        rejects(
            { ingress: { host: "a.example.com", paths: [] } },
            `'ingress.paths' ([]) must list at least one path`,
        );
    });
});
