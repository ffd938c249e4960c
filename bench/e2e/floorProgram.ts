// First, as in index.ts: the compile cache, before the SDKs load.
import "../../program/compileCache";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The e2e benchmark's floor: the smallest program that does what every
 * Kubernetes program does: the same SDKs loaded, the Kubernetes provider and
 * one object, the namespace the cases deploy into (config `bench:namespace`).
 * Its no-change preview is what the CLI, the engine, Node.js, the SDKs and the
 * provider plugin cost before any of the app's objects, on this machine and
 * this state backend.
 */
export = (): Record<string, unknown> => {
    const name = new pulumi.Config("bench").require("namespace");
    // The same provider name as the program's.
    const provider = new k8s.Provider("local", {});
    const ns = new k8s.core.v1.Namespace(name, { metadata: { name } }, { provider });
    return { namespace: ns.metadata.name };
};
