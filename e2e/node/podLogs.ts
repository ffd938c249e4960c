import * as fs from "fs";
import * as path from "path";
import { NodePlan, nodePaths } from "./plan";

/**
 * The containers' logs as the kubelet writes them on the real node
 * (`<podLogsDir>/<namespace>_<pod>_<uid>/<container>/<n>.log`), read from disk:
 * the API server here has no client certificate for the kubelet, so
 * `kubectl logs` can't reach it. For failure messages.
 */
export function podLogLines(
    plan: NodePlan,
    namespace: string,
    podPrefix: string,
    match: RegExp,
    max = 20,
): string[] {
    const root = nodePaths(plan).podLogs;
    const lines: string[] = [];
    const pods = fs.existsSync(root) ? fs.readdirSync(root) : [];
    for (const pod of pods.filter((p) => p.startsWith(`${namespace}_${podPrefix}`))) {
        for (const container of fs.readdirSync(path.join(root, pod))) {
            const dir = path.join(root, pod, container);
            for (const file of fs.readdirSync(dir)) {
                const text = fs.readFileSync(path.join(dir, file), "utf8");
                for (const l of text.split("\n")) if (match.test(l)) lines.push(`${pod}: ${l}`);
            }
        }
    }
    return lines.slice(-max);
}
