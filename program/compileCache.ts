import * as nodeModule from "module";

/**
 * Loaded for its side effect: turns on Node.js's on-disk compile cache
 * (`module.enableCompileCache`, Node 22.8+) before anything heavy loads.
 * Pulumi starts the program in a fresh process on every preview and up, and
 * most of that process's start is V8 compiling the same JavaScript again:
 * @pulumi/pulumi, the TypeScript compiler it loads for closure serialization,
 * @pulumi/kubernetes. With the cache, later runs reuse the compiled code
 * (docs/performance.md, "Deploy speed on a real engine").
 *
 * Pulumi.yaml preloads it (`nodeargs: --require`), so the cache is on before
 * the SDK's own entry point loads @pulumi/pulumi; index.ts imports it first
 * too, for hosts that ignore `nodeargs` and for the tests (a second call
 * changes nothing).
 *
 * The cache lives where Node.js puts it by default (NODE_COMPILE_CACHE, or
 * node-compile-cache in the OS temp directory), is keyed by each file's
 * content and the V8 version, so a changed file is recompiled, never served
 * stale. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
export const compileCache: { status?: number; directory?: string } =
    typeof nodeModule.enableCompileCache === "function" ? nodeModule.enableCompileCache() : {};
