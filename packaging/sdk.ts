import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "./npm";
import { SCHEMA_PATH } from "./packageSchema";

/**
 * The generated SDKs, checked in under `sdk/` so a consumer installs one
 * straight from the repository (`pip install ./sdk/python`). They are
 * generated from `components/provider/schema.json` by the e2e toolchain's
 * `pulumi-sdkgen` (Pulumi's own code generator), never edited by hand.
 */

/** The languages with a generated SDK, and where each lives. */
export const SDK_LANGUAGES = ["python", "go"] as const;
export const SDK_ROOT = path.resolve(__dirname, "..", "sdk");

/** Generates the `language` SDK into `out`, replacing what is there. */
export function generateSdk(sdkgen: string, language: string, out: string): void {
    fs.rmSync(out, { recursive: true, force: true });
    run(sdkgen, [SCHEMA_PATH, language, out], path.dirname(SCHEMA_PATH));
}

/** Every file under `dir`, relative to it, sorted. */
export function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort();
}

/** The files that differ between the checked-in SDK and a fresh generation; empty when in step. */
export function staleSdkFiles(sdkgen: string, language: string): string[] {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), `sdk-${language}-`));
    try {
        generateSdk(sdkgen, language, fresh);
        const current = path.join(SDK_ROOT, language);
        const names = [...new Set([...listFiles(fresh), ...listFiles(current)])].sort();
        return names.filter((f) => {
            const a = path.join(fresh, f);
            const b = path.join(current, f);
            return (
                !fs.existsSync(a) ||
                !fs.existsSync(b) ||
                !fs.readFileSync(a).equals(fs.readFileSync(b))
            );
        });
    } finally {
        fs.rmSync(fresh, { recursive: true, force: true });
    }
}
