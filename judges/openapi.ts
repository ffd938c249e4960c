import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { goEnv } from "./tools";
import { KUBERNETES_OPENAPI_VERSION } from "./schemas";

/**
 * Finds the Kubernetes OpenAPI document (swagger.json) of the pinned version:
 * $K8S_OPENAPI_SPEC if set, else the k8s.io/kubernetes module in the Go module
 * cache, downloaded through the Go module proxy when missing. Returns
 * undefined without a Go toolchain.
 */
export function findOpenApiSpec(version = KUBERNETES_OPENAPI_VERSION): string | undefined {
    if (process.env.K8S_OPENAPI_SPEC) {
        return process.env.K8S_OPENAPI_SPEC;
    }
    const modcache = goEnv("GOMODCACHE");
    if (!modcache) {
        return undefined;
    }
    const spec = path.join(
        modcache,
        "k8s.io",
        `kubernetes@${version}`,
        "api",
        "openapi-spec",
        "swagger.json",
    );
    if (!fs.existsSync(spec)) {
        // About 18 MB, once; the module cache keeps it.
        execFileSync("go", ["mod", "download", `k8s.io/kubernetes@${version}`], {
            stdio: ["ignore", "ignore", "pipe"],
        });
    }
    return fs.existsSync(spec) ? spec : undefined;
}
