/**
 * `pulumi import --file` for recovery: each resource under the name, parent
 * and provider it is given, so it lands on exactly the URN it should have
 * (docs/operations.md#interrupted-deploys). Unprotected, and no code printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Pulumi } from "./run";
import { ImportEntry } from "./state";

/** The import file's JSON: every parent and provider URN through the name table. */
export function importFile(entries: Omit<ImportEntry, "urn">[]): unknown {
    const keys = new Map<string, string>();
    const refer = (urn: string | undefined): string | undefined => {
        if (!urn) return undefined;
        if (!keys.has(urn)) keys.set(urn, `r${keys.size + 1}`);
        return keys.get(urn);
    };
    const resources = entries.map((e) => {
        const parent = refer(e.parent);
        const provider = refer(e.provider);
        return {
            type: e.type,
            name: e.name,
            id: e.id,
            ...(parent ? { parent } : {}),
            ...(provider ? { provider } : {}),
        };
    });
    return { nameTable: Object.fromEntries([...keys].map(([urn, key]) => [key, urn])), resources };
}

/** Imports `entries` into the stack; throws with the CLI's output when it fails. */
export async function importResources(
    pulumi: Pulumi,
    entries: Omit<ImportEntry, "urn">[],
): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "recover-import-"));
    const file = path.join(dir, "import.json");
    fs.writeFileSync(file, JSON.stringify(importFile(entries)));
    try {
        const args = [
            "import",
            "--file",
            file,
            "--yes",
            "--protect=false",
            "--generate-code=false",
        ];
        const r = await pulumi.run([...args, ...pulumi.stackArgs], true);
        if (r.code !== 0) throw new Error(`pulumi import failed:\n${r.stdout}\n${r.stderr}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
