import { exec, ExecOptions } from "./proc";

/** A Kubernetes object as the API server returns it. */
export type KubeObject = Record<string, any>;

/**
 * kubectl against one cluster (one kubeconfig), with JSON reads. Every read
 * goes through the API server; nothing here dials a node or a pod.
 */
export class Kube {
    constructor(
        private readonly kubectl: string,
        readonly kubeconfig: string,
    ) {}

    /** Runs kubectl and returns its standard output. */
    async run(args: string[], opts: ExecOptions = {}): Promise<string> {
        const result = await exec(this.kubectl, ["--kubeconfig", this.kubeconfig, ...args], opts);
        return result.stdout;
    }

    /** Runs kubectl and returns the exit code and output, failure included. */
    async attempt(args: string[], opts: ExecOptions = {}) {
        return exec(this.kubectl, ["--kubeconfig", this.kubeconfig, ...args], {
            ...opts,
            allowFailure: true,
        });
    }

    /** `kubectl get -o json`: one object, or a list's items. */
    async get(kind: string, name?: string, namespace?: string): Promise<any> {
        const ns = namespace ? ["-n", namespace] : [];
        const out = JSON.parse(
            await this.run(["get", kind, ...(name ? [name] : []), ...ns, "-o", "json"]),
        );
        return name ? out : (out.items as KubeObject[]);
    }

    /** The object, or undefined when the API server answers NotFound. */
    async find(kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
        const ns = namespace ? ["-n", namespace] : [];
        const r = await this.attempt(["get", kind, name, ...ns, "-o", "json"]);
        if (r.code === 0) {
            return JSON.parse(r.stdout);
        }
        if (/NotFound|not found/.test(r.stderr)) {
            return undefined;
        }
        throw new Error(`kubectl get ${kind} ${name} failed: ${r.stderr}`);
    }

    /** `kubectl apply -f -` of the given objects. */
    async apply(objects: KubeObject[], extra: string[] = []): Promise<string> {
        return this.run(["apply", "-f", "-", ...extra], {
            input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
        });
    }

    /** The pods matching a label selector. */
    async pods(namespace: string, selector: string): Promise<KubeObject[]> {
        return (
            await this.get("pods", undefined, namespace).then((all: KubeObject[]) => all)
        ).filter((p: KubeObject) => matches(p.metadata.labels ?? {}, selector));
    }
}

/** Whether labels satisfy an equality selector such as `a=b,c=d`. */
export function matches(labels: Record<string, string>, selector: string): boolean {
    return selector
        .split(",")
        .filter((s) => s)
        .every((term) => {
            const [k, v] = term.split("=");
            return labels[k] === v;
        });
}

/** Whether a pod is Ready and not being deleted. */
export function isReady(pod: KubeObject): boolean {
    return (
        !pod.metadata.deletionTimestamp &&
        (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True")
    );
}

/** The status of a condition type, or undefined. */
export function condition(obj: KubeObject, type: string): string | undefined {
    return (obj.status?.conditions ?? []).find((c: any) => c.type === type)?.status;
}
