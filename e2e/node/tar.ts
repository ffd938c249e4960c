/**
 * A reproducible tar writer (ustar), pure: the same entries give the same
 * bytes. Every entry has mtime 0, uid and gid 0, no user or group names, so an
 * image layer's digest depends only on its content.
 */

/** One file, directory or symbolic link in a tar stream. */
export interface TarEntry {
    /** The path inside the archive, relative (no leading `/`), at most 255 characters. */
    path: string;
    /** What the entry is. */
    type: "file" | "dir" | "symlink";
    /** Permission bits. @default 0o755 for directories, 0o644 for files, 0o777 for links */
    mode?: number;
    /** A file's content. @default empty */
    content?: Buffer;
    /** A symbolic link's target. */
    target?: string;
}

const BLOCK = 512;
const TYPE_FLAG = { file: "0", dir: "5", symlink: "2" } as const;
const DEFAULT_MODE = { file: 0o644, dir: 0o755, symlink: 0o777 } as const;

function octal(value: number, width: number): string {
    return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** ustar splits a long path into a prefix (up to 155) and a name (up to 100) at a `/`. */
export function splitPath(p: string): { prefix: string; name: string } {
    if (Buffer.byteLength(p) <= 100) return { prefix: "", name: p };
    for (let i = p.length - 1; i > 0; i--) {
        if (p[i] === "/" && i <= 155 && Buffer.byteLength(p.slice(i + 1)) <= 100) {
            return { prefix: p.slice(0, i), name: p.slice(i + 1) };
        }
    }
    throw new Error(`tar entry path ${JSON.stringify(p)} is too long for ustar (255 at most)`);
}

function header(entry: TarEntry, size: number): Buffer {
    const h = Buffer.alloc(BLOCK);
    const { prefix, name } = splitPath(entry.type === "dir" ? `${entry.path}/` : entry.path);
    h.write(name, 0, 100);
    h.write(octal(entry.mode ?? DEFAULT_MODE[entry.type], 8), 100);
    h.write(octal(0, 8), 108); // uid
    h.write(octal(0, 8), 116); // gid
    h.write(octal(size, 12), 124);
    h.write(octal(0, 12), 136); // mtime
    h.write("        ", 148); // checksum placeholder: eight spaces
    h.write(TYPE_FLAG[entry.type], 156);
    h.write(entry.target ?? "", 157, 100);
    h.write("ustar\0", 257);
    h.write("00", 263);
    h.write(prefix, 345, 155);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(octal(sum, 7) + " ", 148);
    return h;
}

function checkEntry(entry: TarEntry): void {
    if (entry.path === "" || entry.path.startsWith("/") || entry.path.split("/").includes("..")) {
        throw new Error(
            `tar entry path ${JSON.stringify(entry.path)} must be relative, without ..`,
        );
    }
    if (entry.type === "symlink" && !entry.target) {
        throw new Error(`tar entry ${JSON.stringify(entry.path)}: a symlink needs a 'target'`);
    }
}

/** The archive of `entries`, in the given order, ended by two zero blocks. */
export function tarball(entries: TarEntry[]): Buffer {
    const parts: Buffer[] = [];
    for (const entry of entries) {
        checkEntry(entry);
        const content =
            entry.type === "file" ? (entry.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
        parts.push(header(entry, content.length), content);
        const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
        parts.push(Buffer.alloc(pad));
    }
    parts.push(Buffer.alloc(BLOCK * 2));
    return Buffer.concat(parts);
}

/**
 * Adds the parent directories every entry needs (in path order) and sorts
 * the entries by path, so the same set of files gives the same archive.
 */
export function withParents(entries: TarEntry[]): TarEntry[] {
    const byPath = new Map<string, TarEntry>();
    for (const e of entries) {
        const parts = e.path.split("/");
        for (let i = 1; i < parts.length; i++) {
            const dir = parts.slice(0, i).join("/");
            if (!byPath.has(dir)) byPath.set(dir, { path: dir, type: "dir" });
        }
        if (byPath.has(e.path) && byPath.get(e.path)!.type !== "dir") {
            throw new Error(`tar entry ${JSON.stringify(e.path)} is given twice`);
        }
        byPath.set(e.path, e);
    }
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
