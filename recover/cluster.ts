/**
 * The cluster side of `npm run recover`: which kubeconfig, whether an object
 * exists, and the objects that carry the stack's owner labels. It reads
 * through kubectl, which the user has on PATH.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { exec } from "../e2e/proc";
import { RecoverArgs } from "./args";
import { describeObject, liveObjectRef, ObjectRef } from "./state";
import type { Pulumi } from "./run";

/**
 * The kinds the package and the program create, as kubectl names them; the
 * orphan check lists these. ReplicaSets and pods are left out: their
 * Deployment owns them.
 */
export const LABELLED_KINDS: readonly string[] = [
    "namespaces",
    "deployments.apps",
    "services",
    "horizontalpodautoscalers.autoscaling",
    "poddisruptionbudgets.policy",
    "networkpolicies.networking.k8s.io",
    "serviceaccounts",
    "configmaps",
    "secrets",
    "ingresses.networking.k8s.io",
];

/** kubectl on the stack's cluster. */
export interface Cluster {
    /** Whether the object exists. */
    exists(ref: ObjectRef): Promise<boolean>;
    /** Every object of {@link LABELLED_KINDS} that carries `labels` and no owner reference. */
    labelled(labels: Record<string, string>): Promise<ObjectRef[]>;
    /** Deletes the object and waits for it to go. */
    delete(ref: ObjectRef): Promise<void>;
    /** Removes the kubeconfig written from the stack's output, if any. */
    close(): void;
}

/** How kubectl names an object's type: `Kind.group`, or the kind alone for the core group. */
export function kubectlType(ref: ObjectRef): string {
    return ref.group ? `${ref.kind}.${ref.group}` : ref.kind;
}

/** The options {@link openCluster} reads. */
type ClusterOptions = RecoverArgs & { env: NodeJS.ProcessEnv; log: (line: string) => void };

/**
 * The cluster: `--kubeconfig`, else the stack's `kubeconfig` output (EKS stacks
 * export one; it is written to a private temporary file), else kubectl's default.
 */
export async function openCluster(pulumi: Pulumi, opts: ClusterOptions): Promise<Cluster> {
    const { kubeconfig, written } = await chooseKubeconfig(pulumi, opts);
    opts.log(`cluster: ${kubeconfig ?? opts.env.KUBECONFIG ?? "kubectl's default kubeconfig"}`);
    const kubectl = (args: string[]) =>
        exec("kubectl", [...(kubeconfig ? ["--kubeconfig", kubeconfig] : []), ...args], {
            env: opts.env,
            timeoutMs: 180_000,
        });
    const scoped = (ref: ObjectRef) => [
        kubectlType(ref),
        ref.name,
        ...(ref.namespace ? ["-n", ref.namespace] : []),
        "--ignore-not-found",
    ];
    return {
        exists: async (ref) =>
            (await kubectl(["get", ...scoped(ref), "-o", "name"])).stdout.trim() !== "",
        labelled: async (labels) => {
            const selector = Object.entries(labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(",");
            const kinds = LABELLED_KINDS.join(",");
            const r = await kubectl(["get", kinds, "-A", "-l", selector, "-o", "json"]);
            const items = (JSON.parse(r.stdout) as { items: Record<string, any>[] }).items;
            return items.map(liveObjectRef).filter((x): x is ObjectRef => x !== undefined);
        },
        delete: async (ref) => {
            opts.log(`orphans: deleting ${describeObject(ref)}`);
            await kubectl(["delete", ...scoped(ref), "--wait", "--timeout=120s"]);
        },
        close: () => {
            if (written) fs.rmSync(path.dirname(written), { recursive: true, force: true });
        },
    };
}

/** `--kubeconfig`, else the stack's `kubeconfig` output written to a private file, else none. */
async function chooseKubeconfig(
    pulumi: Pulumi,
    opts: ClusterOptions,
): Promise<{ kubeconfig?: string; written?: string }> {
    if (opts.kubeconfig) return { kubeconfig: opts.kubeconfig };
    const args = ["stack", "output", "kubeconfig", "--show-secrets", "--stack", opts.stack];
    const out = await pulumi.run(args, true);
    if (out.code !== 0 || !out.stdout.trim()) return {};
    const written = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "recover-")), "kubeconfig");
    fs.writeFileSync(written, out.stdout, { mode: 0o600 });
    return { kubeconfig: written, written };
}
