import * as k8s from "@pulumi/kubernetes";
import { IngressArgs, ScalableServiceArgs } from "./args";
import { checkAnnotations, IssueCollector, isDns1123Subdomain } from "../shared/validation";

import Input = k8s.types.input;

/** Validation and the spec of the optional Ingress. Pure. */

/** The Ingress, with defaults applied. */
export interface ResolvedIngress {
    host: string;
    paths: Array<{ path: string; pathType: "Prefix" | "Exact" | "ImplementationSpecific" }>;
    className?: string;
    tlsSecretName?: string;
    annotations: Record<string, string>;
}

const PATH_TYPES: readonly string[] = ["Prefix", "Exact", "ImplementationSpecific"];
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A host an Ingress rule can match: a lowercase DNS name, optionally `*.` and a name; not an IP. */
export function isIngressHost(host: unknown): host is string {
    if (typeof host !== "string") {
        return false;
    }
    const name = host.startsWith("*.") ? host.slice(2) : host;
    return isDns1123Subdomain(name) && name.includes(".") && !IPV4.test(name);
}

function resolvePaths(issues: IssueCollector, given: IngressArgs["paths"]) {
    const list = given ?? ["/"];
    if (!Array.isArray(list) || list.length === 0) {
        issues.add("ingress.paths", list, "must list at least one path");
        return [];
    }
    const paths = list.map((p) => (typeof p === "string" ? { path: p } : (p ?? {})));
    const seen = new Set<string>();
    return paths.map((p, i) => {
        const pathType = p.pathType ?? "Prefix";
        issues.check(
            typeof p.path === "string" && p.path.startsWith("/"),
            `ingress.paths[${i}].path`,
            p.path,
            "must start with '/'",
        );
        issues.check(
            PATH_TYPES.includes(pathType),
            `ingress.paths[${i}].pathType`,
            pathType,
            `must be one of ${PATH_TYPES.join(", ")}`,
        );
        issues.check(!seen.has(p.path), `ingress.paths[${i}].path`, p.path, "is listed twice");
        seen.add(p.path);
        return { path: p.path, pathType };
    });
}

/** Validates `ingress`; undefined when there is none. */
export function resolveIngress(
    issues: IssueCollector,
    args: ScalableServiceArgs,
): ResolvedIngress | undefined {
    const given = args.ingress;
    if (given === undefined) {
        return undefined;
    }
    if (typeof given !== "object" || given === null) {
        issues.add(
            "ingress",
            given,
            "must be { host, paths?, className?, tlsSecretName?, annotations? }",
        );
        return undefined;
    }
    issues.check(
        isIngressHost(given.host),
        "ingress.host",
        given.host,
        "must be a lowercase DNS name such as shop.example.com (or *.example.com), not an IP address",
    );
    checkObjectNames(issues, given);
    checkAnnotations(issues, "ingress.annotations", given.annotations);
    return {
        host: given.host,
        paths: resolvePaths(issues, given.paths),
        ...(given.className !== undefined ? { className: given.className } : {}),
        ...(given.tlsSecretName !== undefined ? { tlsSecretName: given.tlsSecretName } : {}),
        annotations: { ...(given.annotations ?? {}) },
    };
}

/** The IngressClass and the TLS Secret, when given, are DNS-1123 subdomains. */
function checkObjectNames(issues: IssueCollector, given: IngressArgs): void {
    const names: Array<["className" | "tlsSecretName", string | undefined]> = [
        ["className", given.className],
        ["tlsSecretName", given.tlsSecretName],
    ];
    for (const [field, value] of names) {
        if (value !== undefined) {
            issues.check(
                isDns1123Subdomain(value),
                `ingress.${field}`,
                value,
                "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'",
            );
        }
    }
}

/** The shared metadata plus the Ingress's own annotations. */
export function buildIngressMetadata(
    ingress: ResolvedIngress,
    metadata: Input.meta.v1.ObjectMeta,
): Input.meta.v1.ObjectMeta {
    const annotations = ingress.annotations;
    return Object.keys(annotations).length > 0
        ? { ...metadata, annotations: { ...annotations } }
        : metadata;
}

/** The Ingress spec: every path of the host to the Service's port; TLS for the host when asked. */
export function buildIngressSpec(
    ingress: ResolvedIngress,
    serviceName: string,
    servicePort: number,
): Input.networking.v1.IngressSpec {
    const backend = { service: { name: serviceName, port: { number: servicePort } } };
    return {
        ...(ingress.className !== undefined ? { ingressClassName: ingress.className } : {}),
        ...(ingress.tlsSecretName !== undefined
            ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
            : {}),
        rules: [
            {
                host: ingress.host,
                http: { paths: ingress.paths.map((p) => ({ ...p, backend })) },
            },
        ],
    };
}
