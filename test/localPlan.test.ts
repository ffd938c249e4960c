/**
 * The pure part of `npm run local:up|local:env|local:down` (local/plan.ts):
 * arguments, paths, shell exports, and the decisions from what was found.
 */
import { sortLocks } from "../recover/locks";
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import {
    ClusterFindings,
    LocalPaths,
    localPaths,
    parseArgs,
    planCluster,
    planDown,
    shellExports,
    shellQuote,
    summaryMessage,
} from "../local/plan";

const healthy: ClusterFindings = {
    onDisk: true,
    apiAnswers: true,
    readyNodes: 3,
    expectedNodes: 3,
    pendingOperations: 0,
    stackWithoutConfigFile: false,
};

describe("local cluster: arguments and paths", function () {
    it("accepts the three commands with no arguments, and refuses anything else", function () {
        assert.deepEqual(parseArgs(["up"]), { command: "up" });
        assert.deepEqual(parseArgs(["env"]), { command: "env" });
        assert.deepEqual(parseArgs(["down"]), { command: "down" });
        assert.deepEqual(parseArgs([]), { error: "no command" });
        assert.deepEqual(parseArgs(["start"]), { error: 'unknown command "start"' });
        assert.deepEqual(parseArgs(["up", "--force"]), {
            error: 'local:up takes no arguments; got ["--force"]',
        });
    });

    it("keeps everything under one fixed state directory by default", function () {
        const p = localPaths({}, "/home/u") as LocalPaths;
        assert.equal(p.name, "orchestration-local");
        assert.equal(p.stateDir, "/home/u/.cache/orchestration-local");
        assert.equal(p.overrides, "");
        for (const dir of [p.clusterDir, p.pulumiDir, p.configFile, p.projectDir, p.pidFile]) {
            assert.ok(dir.startsWith(p.stateDir), `${dir} is outside the state directory`);
        }
        assert.equal(p.configFile, "/home/u/.cache/orchestration-local/Pulumi.local.yaml");
    });

    it("takes a name and directory from the environment, repeats them in printed commands, and refuses bad ones", function () {
        const p = localPaths(
            { ORCHESTRATION_LOCAL_NAME: "t-1", ORCHESTRATION_LOCAL_DIR: "/tmp/a b" },
            "/home/u",
        ) as LocalPaths;
        assert.equal(p.name, "t-1");
        assert.equal(p.stateDir, "/tmp/a b");
        assert.equal(
            p.overrides,
            "ORCHESTRATION_LOCAL_NAME='t-1' ORCHESTRATION_LOCAL_DIR='/tmp/a b' ",
        );
        assert.match(
            (localPaths({ ORCHESTRATION_LOCAL_NAME: "Bad_Name" }, "/h") as { error: string }).error,
            /ORCHESTRATION_LOCAL_NAME \("Bad_Name"\)/,
        );
        assert.match(
            (localPaths({ ORCHESTRATION_LOCAL_DIR: "rel/dir" }, "/h") as { error: string }).error,
            /ORCHESTRATION_LOCAL_DIR \("rel\/dir"\) must be an absolute path/,
        );
    });
});

describe("local cluster: shell exports", function () {
    it("quotes values so that a POSIX shell gets them back byte for byte", function () {
        const tricky = `it's "$HOME" and \`x\` \\ ; done`;
        const out = execFileSync("sh", ["-c", `printf %s ${shellQuote(tricky)}`]).toString();
        assert.equal(out, tricky);
    });

    it("puts the toolchain first on PATH and exports each variable, and a shell evaluates them", function () {
        const text = shellExports(["/t/bin", "/n/bin"], {
            KUBECONFIG: "/s/kubeconfig",
            PULUMI_CONFIG_PASSPHRASE: "p'q",
        });
        assert.equal(
            text,
            [
                `export PATH='/t/bin:/n/bin':"$PATH"`,
                `export KUBECONFIG='/s/kubeconfig'`,
                `export PULUMI_CONFIG_PASSPHRASE='p'\\''q'`,
                "",
            ].join("\n"),
        );
        const seen = execFileSync("sh", [
            "-c",
            `${text} printf '%s\\n' "$PATH" "$KUBECONFIG" "$PULUMI_CONFIG_PASSPHRASE"`,
        ])
            .toString()
            .split("\n");
        assert.ok(seen[0].startsWith("/t/bin:/n/bin:"), seen[0]);
        assert.deepEqual(seen.slice(1, 3), ["/s/kubeconfig", "p'q"]);
    });
});

describe("local cluster: what local:up does with what it finds", function () {
    it("creates a cluster when there is none", function () {
        assert.deepEqual(planCluster({ ...healthy, onDisk: false, apiAnswers: false }), {
            action: "create",
        });
    });

    it("reuses a cluster whose API server answers with every node Ready", function () {
        assert.deepEqual(planCluster(healthy), { action: "reuse" });
    });

    it("recreates a cluster whose processes died, that an interrupted start left half-made, or whose state a killed up left unfinished", function () {
        const cases: [Partial<ClusterFindings>, RegExp][] = [
            [{ apiAnswers: false, readyNodes: 0 }, /API server doesn't answer/],
            [{ readyNodes: 1 }, /1 Ready nodes, not 3/],
            [{ pendingOperations: 2 }, /killed with 2 operation\(s\) unfinished/],
            [{ stackWithoutConfigFile: true }, /config file .* is gone/],
        ];
        for (const [change, reason] of cases) {
            const plan = planCluster({ ...healthy, ...change });
            assert.equal(plan.action, "recreate", JSON.stringify(change));
            assert.match((plan as { reason: string }).reason, reason);
        }
    });

    it("removes only the stack locks of dead processes on this host", function () {
        const locks = [
            { file: "a", pid: 10, host: "me" },
            { file: "b", pid: 11, host: "me" },
            { file: "c", pid: 10, host: "other" },
        ];
        const { stale, live } = sortLocks(locks, "me", (pid) => pid === 11);
        assert.deepEqual(
            stale.map((l) => l.file),
            ["a"],
        );
        assert.deepEqual(
            live.map((l) => l.file),
            ["b", "c"],
        );
    });
});

describe("local cluster: what local:down does", function () {
    it("says nothing is up when there is no state directory", function () {
        assert.deepEqual(
            planDown({ stateDirExists: false, apiAnswers: false, stackResources: 0 }),
            { action: "nothing" },
        );
    });

    it("destroys the stack only when it has resources and the API server answers", function () {
        assert.deepEqual(planDown({ stateDirExists: true, apiAnswers: true, stackResources: 25 }), {
            action: "down",
            destroy: true,
        });
        assert.deepEqual(planDown({ stateDirExists: true, apiAnswers: true, stackResources: 0 }), {
            action: "down",
            destroy: false,
        });
        const dead = planDown({ stateDirExists: true, apiAnswers: false, stackResources: 25 });
        assert.equal(dead.action, "down");
        assert.equal((dead as { destroy: boolean }).destroy, false);
        assert.match((dead as { note: string }).note, /doesn't answer/);
    });
});

describe("local cluster: the closing message", function () {
    const paths = localPaths({}, "/home/u") as LocalPaths;
    const outputs = {
        namespace: "apps",
        platform: "local",
        proxyAddress: "not public (ClusterIP); run: kubectl -n apps port-forward svc/p 8080:8080",
        kubectl: {
            getPods: "kubectl -n apps get pods -o wide",
            logs: "kubectl -n apps logs -l x --tail=50",
            exec: "kubectl -n apps exec -it deploy/p -- sh",
            internalRequest: "kubectl -n apps exec deploy/b -- wget -qO- http://p:8080/api/health",
            watchHpa: "kubectl -n apps get hpa -w",
        },
        estimatedMonthlyCost: { notes: ["x".repeat(400)] },
    };
    const text = summaryMessage(outputs, paths, { unchanged: 25 });
    const commands = text.split("\n").filter((l) => /^ {2}(kubectl|pulumi|eval)/.test(l));

    it("lists the outputs, one line each, and the change summary", function () {
        assert.match(text, /\(25 unchanged\)/);
        assert.match(text, /^ {2}namespace: apps$/m);
        assert.match(text, /^ {2}estimatedMonthlyCost: \{"notes":\["x+…$/m);
    });

    it("prints only commands that work on KWOK nodes: no logs, exec, port-forward or request", function () {
        assert.deepEqual(commands, [
            `  eval "$(npm run -s local:env)"`,
            "  kubectl get deploy,pods,svc,hpa,pdb -n apps -o wide",
            "  kubectl -n apps get pods -o wide",
            "  kubectl -n apps get hpa -w",
            "  pulumi stack output --stack local",
        ]);
        assert.match(text, /no container process runs/);
        assert.match(text, /kubectl logs\/exec\/internalRequest commands/);
    });
});
