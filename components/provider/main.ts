/**
 * The entry point of the `pulumi-resource-orchestration` plugin: serves the
 * component package over the engine's provider protocol. The engine starts it
 * with its address as the first argument.
 */
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "./provider";
import schema from "./schema.json";

void pulumi.provider.main(
    new ComponentProvider(schema.version, JSON.stringify(schema)),
    process.argv.slice(2),
);
