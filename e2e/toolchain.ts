import * as fs from "fs";
import * as path from "path";
import { exec } from "./proc";

/** Where the toolchain's build script and pinned versions live. */
export const TOOLCHAIN_DIR = path.join(__dirname, "toolchain");
const BUILD = path.join(TOOLCHAIN_DIR, "build.sh");

/** The pinned versions (e2e/toolchain/versions.json). */
export const VERSIONS = JSON.parse(
    fs.readFileSync(path.join(TOOLCHAIN_DIR, "versions.json"), "utf8"),
) as {
    kubernetes: { version: string };
    pulumiKubernetes: { version: string; stampAs: string };
};

/** The built toolchain: its directory, and a path per binary. */
export interface Toolchain {
    binDir: string;
    bin(name: string): string;
}

/**
 * The built toolchain, or the reason it can't be used: Go is missing, or a
 * binary is missing or older than versions.json (`npm run e2e:toolchain`).
 */
export async function findToolchain(): Promise<Toolchain | { missing: string }> {
    const check = await exec("bash", [BUILD, "--check"], { allowFailure: true });
    if (check.code !== 0) {
        return { missing: check.stderr.trim() || check.stdout.trim() };
    }
    const binDir = (await exec("bash", [BUILD, "--bin-dir"])).stdout.trim();
    return { binDir, bin: (name) => path.join(binDir, name) };
}
