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

/**
 * The cluster: `--kubeconfig`, else the stack's `kubeconfig` output (EKS stacks
 * export one; it is written to a private temporary file), else kubectl's default.
 */
export async function openCluster(
    pulumi: Pulumi,
    opts: RecoverArgs & { env: NodeJS.ProcessEnv; log: (line: string) => void },
): Promise<Cluster> {
    let kubeconfig = opts.kubeconfig;
    let written: string | undefined;
    if (!kubeconfig) {
        const out = await pulumi.run(
            ["stack", "output", "kubeconfig", "--show-secrets", "--stack", opts.stack],
            true,
        );
        if (out.code === 0 && out.stdout.trim()) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recover-"));
            written = path.join(dir, "kubeconfig");
            fs.writeFileSync(written, out.stdout, { mode: 0o600 });
            kubeconfig = written;
        }
    }
    opts.log(`cluster: ${kubeconfig ?? opts.env.KUBECONFIG ?? "kubectl's default kubeconfig"}`);
    const kubectl = (args: string[]) =>
        exec("kubectl", [...(kubeconfig ? ["--kubeconfig", kubeconfig] : []), ...args], {
            env: opts.env,
            timeoutMs: 180_000,
        });
    return {
        exists: async (ref) => {
            const ns = ref.namespace ? ["-n", ref.namespace] : [];
            const r = await kubectl([
                "get",
                kubectlType(ref),
                ref.name,
                ...ns,
                "--ignore-not-found",
                "-o",
                "name",
            ]);
            return r.stdout.trim() !== "";
        },
        labelled: async (labels) => {
            const selector = Object.entries(labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(",");
            const r = await kubectl([
                "get",
                LABELLED_KINDS.join(","),
                "--all-namespaces",
                "-l",
                selector,
                "-o",
                "json",
            ]);
            const items = (JSON.parse(r.stdout) as { items: Record<string, any>[] }).items;
            return items.map(liveObjectRef).filter((x): x is ObjectRef => x !== undefined);
        },
        delete: async (ref) => {
            const ns = ref.namespace ? ["-n", ref.namespace] : [];
            opts.log(`orphans: deleting ${describeObject(ref)}`);
            await kubectl([
                "delete",
                kubectlType(ref),
                ref.name,
                ...ns,
                "--ignore-not-found",
                "--wait",
                "--timeout=120s",
            ]);
        },
        close: () => {
            if (written) fs.rmSync(path.dirname(written), { recursive: true, force: true });
        },
    };
}
