// First, as in index.ts: the compile cache, before the SDKs load.
import "../../program/compileCache";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CONSTRUCTORS } from "../kubernetesTypes";
import type { BareObject } from "./artifacts";

/**
 * The e2e benchmark's way (c): a Pulumi program that registers the rendered
 * manifests as plain @pulumi/kubernetes resources, with no component. The
 * plan (artifacts.ts) gives the order, the dependencies and the ignoreChanges
 * the component gave each object; the manifests carry everything else,
 * annotations included. Config: `bench:plan` (the plan's JSON file) and
 * `bench:manifests` (the directory the plan's files are relative to).
 */
export = (): Record<string, unknown> => {
    const config = new pulumi.Config("bench");
    const plan = JSON.parse(fs.readFileSync(config.require("plan"), "utf8")) as BareObject[];
    const dir = config.require("manifests");
    // The program's provider has the same name, so both stacks hold the same URNs.
    const provider = new k8s.Provider("local", {});
    const registered = new Map<string, pulumi.CustomResource>();
    for (const o of plan) {
        const manifest = parse(fs.readFileSync(path.join(dir, o.file), "utf8")) as Record<
            string,
            unknown
        >;
        const register = CONSTRUCTORS[o.type];
        if (!register) {
            throw new Error(`the bare program has no constructor for ${o.type}`);
        }
        const dependsOn = o.dependsOn.map((k) => {
            const d = registered.get(k);
            if (!d) {
                throw new Error(
                    `${o.key} depends on ${k}, which the plan doesn't register before it`,
                );
            }
            return d;
        });
        const resource = register(o.name, manifest, {
            provider,
            dependsOn,
            ignoreChanges: o.ignoreChanges,
        });
        registered.set(o.key, resource);
    }
    return { objects: plan.length };
};
