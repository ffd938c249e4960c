/**
 * A host snapshot as plain data, and the difference of two. Pure: what the
 * real node's teardown must leave as it found is compared here, and the
 * comparison is unit-tested without a machine.
 */

/** What a host looked like: per section (sysctl, link, address, …), a value per key. */
export type HostSnapshot = Record<string, Record<string, string>>;

/** One key that differs between two snapshots. */
export interface HostChange {
    section: string;
    key: string;
    /** The value before, or undefined where the key was absent. */
    before?: string;
    /** The value after, or undefined where the key is gone. */
    after?: string;
}

/** Every key added, removed or changed from `before` to `after`, section by section, in order. */
export function diffSnapshots(before: HostSnapshot, after: HostSnapshot): HostChange[] {
    const changes: HostChange[] = [];
    const sections = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const section of sections) {
        const b = before[section] ?? {};
        const a = after[section] ?? {};
        const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
        for (const key of keys) {
            if (b[key] !== a[key]) changes.push({ section, key, before: b[key], after: a[key] });
        }
    }
    return changes;
}

/** One line per change, for a failure message: `sysctl kernel.panic: 1 → 10`. */
export function describeChanges(changes: HostChange[]): string {
    const show = (v?: string) => (v === undefined ? "(absent)" : JSON.stringify(v));
    return changes
        .map((c) => `${c.section} ${c.key}: ${show(c.before)} → ${show(c.after)}`)
        .join("\n");
}

/** The keys of `section` that `after` has and `before` hasn't: what a teardown must remove. */
export function added(before: HostSnapshot, after: HostSnapshot, section: string): string[] {
    const b = before[section] ?? {};
    return Object.keys(after[section] ?? {}).filter((k) => !(k in b));
}

/** Paths deepest first (most `/`), so children go before their parents. */
export function deepestFirst(paths: string[]): string[] {
    const depth = (p: string) => p.split("/").length;
    return [...paths].sort((x, y) => depth(y) - depth(x) || (x < y ? 1 : x > y ? -1 : 0));
}
