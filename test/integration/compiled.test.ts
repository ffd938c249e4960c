import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { installMocks, settleRegistrations, valueOf } from "../../components/testing";
import { STAMP_FILE } from "../../program/buildStamp";
import { OPERATOR_CONFIG, stackConfig } from "../stacks";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/**
 * The compiled program is what `pulumi up` runs (Pulumi.yaml's main is
 * bin/index.js). Build it the way `npm run build` does, into a scratch
 * directory inside the project, and check that it evaluates like the sources
 * and that it refuses to run once the sources change.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, ".test-build");

function build(): void {
    execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", OUT],
        { cwd: ROOT, stdio: "pipe" },
    );
    execFileSync(process.execPath, [path.join(OUT, "program", "buildStamp.js")], {
        cwd: ROOT,
        stdio: "pipe",
    });
}

function freshRequire(file: string): unknown {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(OUT)) {
            delete require.cache[id];
        }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
}

describe("the compiled program (what pulumi up runs)", function () {
    before(function () {
        fs.rmSync(OUT, { recursive: true, force: true });
        build();
    });
    after(function () {
        fs.rmSync(OUT, { recursive: true, force: true });
    });

    it("matches Pulumi.yaml: main is bin/index.js and ts-node is off", function () {
        const yaml = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
        assert.match(yaml, /^main: bin\/index\.js$/m);
        assert.match(yaml, /^\s+typescript: false$/m);
        const tsconfig = JSON.parse(
            fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8"),
        );
        assert.equal(tsconfig.compilerOptions.outDir, "bin");
    });

    it("preloads the compile cache through Pulumi.yaml's nodeargs, a file the build emits beside main", function () {
        const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
            main: string;
            runtime: { options: { nodeargs: string } };
        };
        const [flag, preload, ...rest] = project.runtime.options.nodeargs.split(/\s+/);
        assert.deepEqual([flag, rest], ["--require", []]);
        // Node.js starts in the program's directory (main's: bin/, built here into OUT), so
        // the path is relative to it.
        assert.equal(path.dirname(project.main), "bin");
        assert.ok(fs.existsSync(path.join(OUT, preload)), `${preload} is not in the build`);
        // Run the way the language host runs the program: from main's directory, preloading it.
        // NODE_COMPILE_CACHE would turn the cache on by itself, so only the preload may here.
        const env = { ...process.env };
        delete env.NODE_COMPILE_CACHE;
        delete env.NODE_DISABLE_COMPILE_CACHE;
        const status = execFileSync(
            process.execPath,
            [
                "--require",
                preload,
                "-p",
                "require('module').constants.compileCacheStatus.ALREADY_ENABLED === require('module').enableCompileCache().status",
            ],
            {
                cwd: OUT,
                encoding: "utf8",
                env,
            },
        );
        assert.equal(status.trim(), "true");
    });

    it("stamps the build and evaluates the dev stack like the sources do", async function () {
        assert.ok(fs.existsSync(path.join(OUT, STAMP_FILE)));
        const mocks = await installMocks({
            project: "orchestration",
            stack: "dev",
            config: { ...stackConfig("dev"), ...OPERATOR_CONFIG },
        });
        const program = freshRequire(path.join(OUT, "index.js")) as () => Promise<
            Record<string, unknown>
        >;
        const outputs = (await valueOf(pulumi.output(await program()))) as Record<string, any>;
        await settleRegistrations();
        assert.equal(outputs.clusterName, "orchestration-dev");
        assert.equal(mocks.ofType("orchestration:index:ScalableService").length, 3);
        assert.equal(mocks.ofType("eks:index:Cluster").length, 1);
    });

    it("refuses to run after a source changes, and says how to fix it", async function () {
        const stampPath = path.join(OUT, STAMP_FILE);
        const stamp = JSON.parse(fs.readFileSync(stampPath, "utf8"));
        // Simulate an edit after the build by invalidating the recorded hash.
        fs.writeFileSync(stampPath, JSON.stringify({ sourceHash: "0".repeat(64) }));
        try {
            const mocks = await installMocks({
                project: "orchestration",
                stack: "dev",
                config: { ...stackConfig("dev"), ...OPERATOR_CONFIG },
            });
            const program = freshRequire(path.join(OUT, "index.js")) as () => Promise<unknown>;
            await assert.rejects(program(), (err: Error) => {
                assert.equal(err.name, "Error");
                assert.match(
                    err.message,
                    /the compiled program in \.test-build\/ is stale: the TypeScript sources changed after the last build\. Run `npm run build`/,
                );
                return true;
            });
            await settleRegistrations();
            assert.deepEqual(mocks.resources, [], "nothing registers from a stale build");
        } finally {
            fs.writeFileSync(stampPath, JSON.stringify(stamp));
        }
    });
});
