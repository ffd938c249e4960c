// First, as in index.ts: the compile cache, before the SDKs load.
import "../../program/compileCache";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deployServices } from "./services";

/**
 * The e2e benchmark's program for N services (services.ts). Config:
 * `bench:services`, the N, beside the app's `orchestration:*` keys.
 */
export = (): Record<string, unknown> => {
    const n = new pulumi.Config("bench").requireNumber("services");
    // The same provider name as the program's.
    return { services: deployServices(n, new k8s.Provider("local", {})) };
};
