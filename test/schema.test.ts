import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PACKAGE } from "../packaging/npm";
import { COMPONENTS, packageSchema, renderSchema, SCHEMA_PATH } from "../packaging/packageSchema";
import { ComponentSource, componentSchema } from "../packaging/schema";

const FIXTURE = path.join(__dirname, "fixtures", "schema", "api.ts");

function widget(overrides: Partial<ComponentSource> = {}): ComponentSource {
    return {
        token: "widgets:index:Widget",
        classFile: FIXTURE,
        className: "Widget",
        argsFile: FIXTURE,
        argsInterface: "WidgetArgs",
        excluded: { "WidgetArgs.waitFor": "resources have no cross-language form" },
        ...overrides,
    };
}

describe("the package schema, derived from the TypeScript declarations", () => {
    describe("the generator (on a fixture API)", () => {
        const { resource, types } = componentSchema(widget());

        it("maps each field's type, description and @default, marks plain what is not a pulumi.Input, and lists the required ones", () => {
            assert.deepEqual(resource.inputProperties, {
                label: { type: "string", plain: true, description: "The widget's label." },
                volume: {
                    $ref: "#/types/widgets:index:Volume",
                    plain: true,
                    description: 'How loud it is.\n\nDefault: "quiet"',
                },
                knob: {
                    oneOf: [
                        { $ref: "#/types/widgets:index:Knob", plain: true },
                        { type: "boolean", plain: true },
                    ],
                    plain: true,
                    description: "A knob, or `false` for none.",
                },
                tags: {
                    type: "object",
                    additionalProperties: { type: "string" },
                    plain: true,
                    description: "Tags.",
                },
                refs: {
                    type: "array",
                    items: {
                        oneOf: [
                            { type: "string", plain: true },
                            { $ref: "#/types/widgets:index:Ref", plain: true },
                        ],
                        plain: true,
                    },
                    plain: true,
                    description: "Refs, by name or in full.",
                },
                sizes: {
                    type: "array",
                    items: { type: "integer", plain: true },
                    plain: true,
                    description: "Sizes.",
                },
                enabled: { type: "boolean", plain: true, description: "Something else." },
                owner: {
                    type: "string",
                    description: "A value that may come from another resource.",
                },
            });
            assert.deepEqual(resource.requiredInputs, ["label"]);
        });

        it("names object types without their Args suffix, and string-literal aliases as enums", () => {
            assert.deepEqual(types, {
                "widgets:index:Volume": {
                    type: "string",
                    description: "How loud.",
                    enum: [{ value: "quiet" }, { value: "loud" }],
                },
                "widgets:index:Knob": {
                    type: "object",
                    description: "A nested setting.",
                    properties: {
                        turns: { type: "integer", plain: true, description: "Turns per minute." },
                    },
                    required: ["turns"],
                },
                "widgets:index:Ref": {
                    type: "object",
                    description: "A key of something.",
                    properties: { name: { type: "string", plain: true, description: "Its name." } },
                    required: ["name"],
                },
            });
        });

        it("takes the outputs from the class's pulumi.Output fields only", () => {
            assert.deepEqual(resource.properties, {
                label: { type: "string", description: "Its label, as deployed." },
            });
            assert.deepEqual(resource.required, ["label"]);
            assert.equal(resource.description, "A widget.");
            assert.equal(resource.isComponent, true);
        });

        it("refuses a type with no cross-language form, naming the field", () => {
            assert.throws(
                () => componentSchema(widget({ excluded: {} })),
                /WidgetArgs\.waitFor has type 'pulumi\.Resource'/,
            );
            assert.throws(
                () => componentSchema(widget({ argsInterface: "BadArgs", excluded: {} })),
                /BadArgs\.value has type '\{ inline: string \}'.*name it/,
            );
        });

        it("refuses an exclusion for a field that no longer exists", () => {
            assert.throws(
                () =>
                    componentSchema(
                        widget({ excluded: { "WidgetArgs.waitFor": "x", "WidgetArgs.gone": "y" } }),
                    ),
                /excluded fields that no longer exist: WidgetArgs\.gone/,
            );
        });
    });

    describe("the orchestration package", () => {
        const schema = packageSchema();
        const service = schema.resources["orchestration:index:ScalableService"];

        it("is checked in exactly as generated (run npm run schema after changing the args)", () => {
            assert.equal(fs.readFileSync(SCHEMA_PATH, "utf8"), renderSchema(schema));
        });

        it("is versioned with the npm package, so a consumer pins one version of both", () => {
            assert.equal(schema.version, PACKAGE.version);
        });

        it("is the version the YAML example pins and the docs install, so a release bump can't leave them behind", () => {
            const root = path.join(__dirname, "..");
            const yaml = fs.readFileSync(
                path.join(root, "examples", "yaml", "Pulumi.yaml"),
                "utf8",
            );
            assert.deepEqual(
                [...yaml.matchAll(/^\s+version: (\S+)$/gm)].map((m) => m[1]),
                [PACKAGE.version],
            );
            const page = fs.readFileSync(path.join(root, "docs", "languages.md"), "utf8");
            const installs = [
                ...page.matchAll(/pulumi plugin install resource orchestration (\S+)/g),
            ];
            assert.ok(installs.length > 0, "docs/languages.md shows no plugin install");
            assert.deepEqual(new Set(installs.map((m) => m[1])), new Set([PACKAGE.version]));
        });

        it("has every ScalableServiceArgs field except the excluded ones, with image and port required", () => {
            assert.deepEqual(service.requiredInputs, ["image", "port"]);
            assert.equal(Object.keys(service.inputProperties).length, 29);
            assert.deepEqual(Object.keys(COMPONENTS[0].excluded), ["AutoscalingArgs.dependsOn"]);
            assert.equal(
                schema.types["orchestration:index:Autoscaling"].properties?.dependsOn,
                undefined,
            );
        });

        it("outputs serviceName and url", () => {
            assert.deepEqual(Object.keys(service.properties), ["serviceName", "url"]);
            assert.deepEqual(service.required, ["serviceName", "url"]);
        });

        it("shows the TypeScript doc comments and defaults in every SDK", () => {
            assert.match(
                service.inputProperties.autoscaling.description ?? "",
                /^Horizontal autoscaling, or `false`[\s\S]*\n\nDefault: on: `\{ minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 \}`$/,
            );
            assert.deepEqual(schema.types["orchestration:index:ServiceType"].enum, [
                { value: "ClusterIP" },
                { value: "LoadBalancer" },
                { value: "NodePort" },
            ]);
        });
    });
});
