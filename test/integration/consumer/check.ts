// Runs examples/kind/index.ts under the package's own test kit and prints what it registered.
import { installMocks, settleRegistrations, valueOf } from "pulumi-k8s-orchestration/testing";
import { ScalableService, ValidationError } from "pulumi-k8s-orchestration";
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
    const mocks = await installMocks({ project: "consumer", stack: "test" });
    // Imported only now: the mocks must be in place before the program runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("./index") as Record<string, pulumi.Output<string>>;
    const outputs = await valueOf(
        pulumi.output({ url: program.url, serviceName: program.serviceName }),
    );
    await settleRegistrations();

    let rejected = "";
    try {
        new ScalableService("bad", { image: "stefanprodan/podinfo:6.7.1", port: 0 });
    } catch (err) {
        rejected =
            err instanceof ValidationError ? err.issues.map((i) => i.field).join(",") : String(err);
    }

    const resources = mocks.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent,
        inputs: r.inputs,
    }));
    process.stdout.write(JSON.stringify({ outputs, resources, rejected }));
}

main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
