import { IssueCollector } from "../shared/validation";

/**
 * The order of the container's `env` list. Kubernetes expands `$(VAR)` in a
 * variable's `value` only from variables defined earlier in the list (and
 * from `envFrom`, which comes first), so a variable must come after every
 * variable its value references, or the reference stays literal:
 * `DATABASE_URL: "postgres://app:$(DB_PASSWORD)@db/app"` sorted before
 * `DB_PASSWORD` would hand the app the text `$(DB_PASSWORD)`.
 *
 * The order is deterministic: by name, except that each variable is moved
 * after the variables it references (a topological sort that always takes
 * the first name that is ready). References form a graph only through plain
 * string values: a value read from a Secret or ConfigMap is never expanded,
 * and an Output's text is not known when the list is built. So variables
 * whose text is unknown go after all the others (`rank`), where whatever
 * they reference is most likely defined already:
 * `DATABASE_URL: pulumi.interpolate\`postgres://app:$(DB_PASSWORD)@${host}/app\``
 * still follows `DB_PASSWORD`.
 */

const OPERATOR = "$";
const OPENER = "(";
const CLOSER = ")";

/**
 * Expands `$(VAR)` references in `value` exactly as the kubelet does
 * (Kubernetes' `third_party/forked/golang/expansion`): `$$` is an escaped `$`,
 * `$(NAME)` is replaced by `lookup(NAME)` when that returns a string and kept
 * literally otherwise, and an unterminated `$(` or any other `$x` is kept.
 */
export function expandEnvValue(
    value: string,
    lookup: (name: string) => string | undefined,
): string {
    let out = "";
    let checkpoint = 0;
    for (let cursor = 0; cursor < value.length; cursor++) {
        if (value[cursor] !== OPERATOR || cursor + 1 >= value.length) continue;
        out += value.slice(checkpoint, cursor);
        const rest = value.slice(cursor + 1);
        let advance = 1;
        if (rest[0] === OPERATOR) {
            out += OPERATOR;
        } else if (rest[0] === OPENER && rest.indexOf(CLOSER, 1) > 0) {
            const end = rest.indexOf(CLOSER, 1);
            const name = rest.slice(1, end);
            out += lookup(name) ?? `${OPERATOR}${OPENER}${name}${CLOSER}`;
            advance = end + 1;
        } else {
            out += OPERATOR + rest[0];
        }
        cursor += advance;
        checkpoint = cursor + 1;
    }
    return out + value.slice(checkpoint);
}

/** The names `value` references with `$(NAME)`, in order of appearance, without repeats. */
export function envReferences(value: string): string[] {
    const names: string[] = [];
    expandEnvValue(value, (name) => {
        if (!names.includes(name)) names.push(name);
        return undefined;
    });
    return names;
}

/**
 * `vars` in the order the container needs (see above); `expandedText` gives a
 * variable's value when the kubelet expands it (a plain string), and undefined
 * otherwise; a ready variable of a lower `rank` goes first. A cycle of
 * references can't be ordered: it is recorded in `issues`, naming its
 * variables, and the variables in it are left out.
 */
export function orderEnv<T extends { name: string }>(
    issues: IssueCollector,
    vars: readonly T[],
    expandedText: (v: T) => string | undefined,
    rank: (v: T) => number = () => 0,
): T[] {
    const byName = new Map(vars.map((v) => [v.name, v]));
    const dependencies = new Map(
        vars.map((v) => [v.name, referencedVars(v.name, expandedText(v), byName)]),
    );
    const placed = new Set<string>();
    const ordered: T[] = [];
    const pending = [...byName.keys()].sort();
    const ranked = (name: string) => rank(byName.get(name)!);
    for (let next = firstReady(pending, dependencies, placed, ranked); next !== undefined;) {
        placed.add(next);
        ordered.push(byName.get(next)!);
        pending.splice(pending.indexOf(next), 1);
        next = firstReady(pending, dependencies, placed, ranked);
    }
    if (pending.length > 0) {
        const cycle = findCycle(pending[0], dependencies, placed);
        issues.add(
            `env.${cycle[0]}`,
            cycle.join(" → "),
            "is a cycle of $(VAR) references: Kubernetes expands a reference only to a " +
                "variable defined earlier, so one of them would stay literal",
        );
    }
    return ordered;
}

/** The other variables of this container that a variable's expanded text references. */
function referencedVars(
    self: string,
    text: string | undefined,
    byName: Map<string, unknown>,
): string[] {
    if (text === undefined) return [];
    return envReferences(text).filter((name) => name !== self && byName.has(name));
}

/** The ready name of the lowest rank, first by name among equals (`pending` is sorted). */
function firstReady(
    pending: readonly string[],
    dependencies: Map<string, string[]>,
    placed: Set<string>,
    rank: (name: string) => number,
): string | undefined {
    const ready = pending.filter((name) => dependencies.get(name)!.every((d) => placed.has(d)));
    return ready.reduce<string | undefined>(
        (best, name) => (best === undefined || rank(name) < rank(best) ? name : best),
        undefined,
    );
}

/** A cycle reached from `start` among the unplaced variables, closed: `[A, B, A]`. */
function findCycle(
    start: string,
    dependencies: Map<string, string[]>,
    placed: Set<string>,
): string[] {
    const path: string[] = [];
    let current = start;
    while (!path.includes(current)) {
        path.push(current);
        // Every unplaced variable waits on at least one unplaced variable.
        current = dependencies
            .get(current)!
            .filter((d) => !placed.has(d))
            .sort()[0];
    }
    return [...path.slice(path.indexOf(current)), current];
}
