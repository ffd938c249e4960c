import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installConsumer, PACKAGE, packPackage, run } from "../packing";

/**
 * Proof that the published artifact works on its own: pack it, install the
 * tarball into a fresh project outside the repository (offline, from the npm
 * cache), type-check a consumer program with --strict, and run it under the
 * package's own mocks.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "kind");
const CHECK = path.join(__dirname, "consumer", "check.ts");
const pkg = PACKAGE;

describe("the packed package, installed into a fresh consumer project", function () {
    let work: string;
    let tarball: string;
    let consumer: string;

    before(function () {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "scalable-service-pack-"));
        tarball = packPackage(work);
        consumer = path.join(work, "consumer");
        fs.mkdirSync(consumer);
        // The consumer is the shipped example, plus a script that runs it under mocks.
        for (const file of ["index.ts", "tsconfig.json"]) {
            fs.copyFileSync(path.join(EXAMPLE, file), path.join(consumer, file));
        }
        fs.copyFileSync(CHECK, path.join(consumer, "check.ts"));
        fs.writeFileSync(
            path.join(consumer, "tsconfig.check.json"),
            JSON.stringify({
                extends: "./tsconfig.json",
                compilerOptions: { outDir: "out" },
                files: ["index.ts", "check.ts"],
            }),
        );
        installConsumer(consumer, tarball);
    });

    after(function () {
        if (work) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    it("holds only the library: compiled JavaScript, declarations, the provider's schema, README, CHANGELOG, LICENSE and package.json", function () {
        const files = run("tar", ["-tzf", tarball], work).trim().split("\n").sort();
        const outside = files.filter(
            (f) =>
                !/^package\/(lib\/.+\.(js|d\.ts)|lib\/provider\/schema\.json|package\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(
                    f,
                ),
        );
        assert.deepEqual(outside, []);
        for (const required of [
            "package/lib/index.js",
            "package/lib/index.d.ts",
            "package/lib/eks.js",
            "package/lib/testing/index.js",
            // The component package's provider, which the plugin runs (npm run plugin).
            "package/lib/provider/main.js",
            "package/lib/provider/schema.json",
            "package/CHANGELOG.md",
            "package/LICENSE",
        ]) {
            assert.ok(files.includes(required), `${required} is missing from the tarball`);
        }
        // The license the package declares, in full.
        const shipped = run("tar", ["-xzOf", tarball, "package/LICENSE"], work);
        assert.equal(shipped, fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
        assert.equal(pkg.license, "Apache-2.0");
        assert.match(shipped, /Apache License\s+Version 2\.0, January 2004/);
    });

    it("installs with one copy of the Pulumi SDK and none of the cloud packages", function () {
        const nested = path.join(consumer, "node_modules", pkg.name, "node_modules");
        assert.equal(
            fs.existsSync(path.join(nested, "@pulumi")),
            false,
            "the package brought its own @pulumi copy",
        );
        for (const cloud of ["@pulumi/aws", "@pulumi/awsx", "@pulumi/eks"]) {
            assert.equal(
                fs.existsSync(path.join(consumer, "node_modules", cloud)),
                false,
                `${cloud} was installed`,
            );
        }
    });

    it("type-checks the example program against it with --strict, and runs it under the package's mocks", function () {
        run(
            path.join(consumer, "node_modules", ".bin", "tsc"),
            ["-p", "tsconfig.check.json", "--strict"],
            consumer,
        );
        const { outputs, resources, rejected } = JSON.parse(
            run(process.execPath, ["out/check.js"], consumer),
        );
        const byType = (t: string) => resources.filter((r: { type: string }) => r.type === t);
        const deployment = byType("kubernetes:apps/v1:Deployment");
        const service = byType("kubernetes:core/v1:Service");
        const hpa = byType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        assert.equal(deployment.length, 1);
        assert.equal(service.length, 1);
        assert.equal(hpa.length, 1);
        assert.equal(
            deployment[0].inputs.spec.template.spec.containers[0].readinessProbe.httpGet.port,
            9898,
        );
        assert.equal(deployment[0].inputs.spec.replicas, 2, "starts at the HPA's minimum");
        assert.equal(service[0].inputs.metadata.name, "podinfo");
        assert.deepEqual(hpa[0].inputs.spec.scaleTargetRef, {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "podinfo",
        });
        assert.equal(
            deployment[0].parent,
            "urn:pulumi:test::consumer::orchestration:index:ScalableService::podinfo",
        );
        assert.deepEqual(outputs, {
            url: "http://podinfo.demo.svc.cluster.local:80",
            serviceName: "podinfo",
        });
        assert.equal(rejected, "port", "the consumer caught a ValidationError naming the field");
    });
});
