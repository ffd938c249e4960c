import * as fs from "fs";
import { exec } from "../proc";
import { TarEntry } from "./tar";

/**
 * Files for an image's layer taken from this machine: a binary and the shared
 * libraries `ldd` lists for it, at the paths the dynamic loader looks for them.
 */

/** The library paths in `ldd`'s output (the loader included, the vDSO not). */
export function lddLibraries(output: string): string[] {
    const libs: string[] = [];
    for (const line of output.split("\n")) {
        const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
        if (m) libs.push(m[1]);
    }
    return libs;
}

/** A host file as a layer entry at `imagePath` (links resolved: the content is copied). */
export function hostFile(hostPath: string, imagePath: string, mode?: number): TarEntry {
    const content = fs.readFileSync(fs.realpathSync(hostPath));
    const stat = fs.statSync(hostPath);
    return {
        path: imagePath.replace(/^\/+/, ""),
        type: "file",
        mode: mode ?? stat.mode & 0o777,
        content,
    };
}

/** A text file as a layer entry. */
export function textFile(imagePath: string, text: string, mode = 0o644): TarEntry {
    return { path: imagePath.replace(/^\/+/, ""), type: "file", mode, content: Buffer.from(text) };
}

/**
 * Each binary (host path → image path) with the libraries it loads, each
 * library once. A static binary brings none.
 */
export async function binariesWithLibraries(binaries: [string, string][]): Promise<TarEntry[]> {
    const entries: TarEntry[] = [];
    const libs = new Set<string>();
    for (const [from, to] of binaries) {
        entries.push(hostFile(from, to, 0o755));
        const ldd = await exec("ldd", [from], { allowFailure: true });
        if (ldd.code === 0) lddLibraries(ldd.stdout).forEach((l) => libs.add(l));
    }
    for (const lib of [...libs].sort()) entries.push(hostFile(lib, lib, 0o755));
    return entries;
}
