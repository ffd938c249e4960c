// ESLint flat config: typescript-eslint's type-aware rules plus Pulumi's own
// rules, which catch an Output interpolated into a template string.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    {
        ignores: [
            "node_modules/",
            "bin/",
            ".test-build/",
            "lib/",
            "docs/api/",
            "dist/",
            "sdk/",
            "test/integration/consumer/",
            "test/e2e/consumer/",
            // Type-checked against the packed package by test/integration, not against these sources.
            "examples/",
            "**/*.js",
            "**/*.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
    {
        // Mock state, recorded inputs, manifests, live Kubernetes objects, stack exports, OpenAPI documents and policy props are untyped JSON, by design.
        files: [
            "test/**/*.ts",
            "e2e/**/*.ts",
            "components/testing/**/*.ts",
            "judges/**/*.ts",
            "policy/**/*.ts",
            "program/render.ts",
            "program/evaluate.ts",
            "bench/e2e/cluster.ts",
            "recover/state.ts",
            "recover/cluster.ts",
        ],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-return": "off",
        },
    },
);
