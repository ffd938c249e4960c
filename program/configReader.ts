import { IssueCollector } from "../components/shared/validation";

/**
 * Typed reads of the program's raw stack config. Pure: it reads raw strings
 * through a lookup function (Pulumi's `config.get`), and records a malformed
 * value as an issue naming the key and the value.
 */

/** The project's config namespace (`<namespace>:<key>` in the stack files). */
export const CONFIG_NAMESPACE = "orchestration";

/** Reads a raw config value by its full key (`orchestration:nodeMaxSize`, `aws:region`). */
export type ConfigLookup = (fullKey: string) => string | undefined;

/** The full key of `name` in the project's namespace: `orchestration:<name>`. */
export const configKey = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

/** Typed accessors that record an issue, and return undefined, on a malformed value. */
export class Reader {
    constructor(
        private readonly lookup: ConfigLookup,
        readonly issues: IssueCollector,
    ) {}

    /** The raw value of a full key, outside the namespace too (`aws:region`). */
    raw(fullKey: string): string | undefined {
        return this.lookup(fullKey);
    }

    /** A string; with `allowed`, one of those values or an issue. */
    string<T extends string>(name: string, allowed?: readonly T[]): T | undefined {
        const value = this.lookup(configKey(name));
        if (value !== undefined && allowed && !allowed.includes(value as T)) {
            this.issues.add(
                configKey(name),
                value,
                `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
            );
            return undefined;
        }
        return value as T | undefined;
    }

    /** A string where "" means unset, as Pulumi.yaml declares optional keys. */
    optionalString(name: string): string | undefined {
        const value = this.lookup(configKey(name));
        return value === "" ? undefined : value;
    }

    /** An integer, or an issue. */
    int(name: string): number | undefined {
        const value = this.lookup(configKey(name));
        if (value === undefined) {
            return undefined;
        }
        const n = Number(value);
        return this.issues.check(
            value.trim() !== "" && Number.isInteger(n),
            configKey(name),
            value,
            "must be an integer",
        )
            ? n
            : undefined;
    }

    /** `true` or `false`, or an issue. */
    bool(name: string): boolean | undefined {
        const value = this.lookup(configKey(name));
        if (value === undefined) {
            return undefined;
        }
        return this.issues.check(
            value === "true" || value === "false",
            configKey(name),
            value,
            "must be true or false",
        )
            ? value === "true"
            : undefined;
    }

    /** A JSON list of strings, or an issue. */
    stringList(name: string): string[] | undefined {
        const value = this.lookup(configKey(name));
        if (value === undefined) {
            return undefined;
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        const ok = Array.isArray(parsed) && parsed.every((v) => typeof v === "string");
        return this.issues.check(ok, configKey(name), value, "must be a list of strings")
            ? (parsed as string[])
            : undefined;
    }
}
