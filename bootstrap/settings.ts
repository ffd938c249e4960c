/**
 * The bootstrap stack's typed, validated config. Pure: it reads raw values
 * through a lookup function, so the tests exercise every rule directly. Each
 * error names the key and the value, and every one is reported at once.
 */
import {
    DEFAULT_DEPLOY_POLICY_ARNS,
    DEFAULT_READ_ONLY_POLICY_ARNS,
    deployRoleName,
    GITHUB_OIDC_HOST,
    readOnlyRoleName,
} from "./policies";

/** The project's config namespace (`<namespace>:<key>` in the stack file). */
export const BOOTSTRAP_NAMESPACE = "orchestration-bootstrap";

/** The bootstrap stack's settings, validated. */
export interface BootstrapSettings {
    githubOwner: string;
    githubRepo: string;
    /** GitHub Environments that get a deploy role each, in order. */
    environments: string[];
    /** The branch the scheduled drift detection runs on. */
    defaultBranch: string;
    /** Prefix of every name this stack gives (roles, KMS alias). */
    namePrefix: string;
    /** The account's existing GitHub OIDC provider; undefined creates one. */
    existingOidcProviderArn?: string;
    deployPolicyArns: string[];
    readOnlyPolicyArns: string[];
    /** Create the S3 state bucket and the KMS key of the secrets provider. */
    createStateBackend: boolean;
    /** The state bucket's name; undefined lets Pulumi name it. */
    stateBucketName?: string;
}

/** Reads a raw config value by its key within the namespace (`githubOwner`). */
export type BootstrapConfigLookup = (key: string) => string | undefined;

/** A bootstrap config error; the message names every bad key and value. */
export class BootstrapConfigError extends Error {
    constructor(readonly issues: string[]) {
        super(
            `invalid ${BOOTSTRAP_NAMESPACE} config:\n` +
                issues.map((issue) => `  - ${issue}`).join("\n"),
        );
        this.name = "BootstrapConfigError";
    }
}

const fullKey = (key: string) => `${BOOTSTRAP_NAMESPACE}:${key}`;
const show = (value: unknown) => JSON.stringify(value);

/** GitHub user and organization names: letters, digits and single inner hyphens, at most 39. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub repository names: letters, digits, `.`, `_` and `-`, at most 100. */
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
/** Environment names this pipeline accepts: no wildcards, colons or spaces in an OIDC subject. */
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
/** Branch names: a subset of git's rules, with none of the wildcards IAM would not take literally. */
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*\/$|.*\.lock$)[A-Za-z0-9._/-]{1,200}$/;
/** IAM names allow these characters; the longest role name is 64. */
const IAM_NAME = /^[A-Za-z0-9+=,.@_-]+$/;
/** S3 bucket names (general purpose). */
const BUCKET =
    /^(?!xn--|sthree-|.*-s3alias$|.*--ol-s3$|\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** An IAM OIDC provider for GitHub Actions in any partition. */
const GITHUB_PROVIDER_ARN =
    /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
/** An IAM policy ARN, AWS-managed or customer-managed. */
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[A-Za-z0-9+=,.@_/-]+$/;

/**
 * Checks a GitHub owner (user or organization) name and returns it.
 * @throws Error naming the `githubOwner` key and the value.
 */
export function validateGithubOwner(value: string): string {
    if (!GITHUB_OWNER.test(value)) {
        throw new Error(
            `${fullKey("githubOwner")} must be a GitHub user or organization name: 1 to 39 letters, ` +
                `digits or single hyphens, not starting or ending with a hyphen; got ${show(value)}`,
        );
    }
    return value;
}

/**
 * Checks a GitHub repository name (without the owner) and returns it.
 * @throws Error naming the `githubRepo` key and the value.
 */
export function validateGithubRepo(value: string): string {
    if (value.includes("/")) {
        throw new Error(
            `${fullKey("githubRepo")} is the repository name without its owner (set the owner in ` +
                `${fullKey("githubOwner")}); got ${show(value)}`,
        );
    }
    if (!GITHUB_REPO.test(value) || value === "." || value === "..") {
        throw new Error(
            `${fullKey("githubRepo")} must be a GitHub repository name: 1 to 100 letters, digits, ` +
                `".", "_" or "-"; got ${show(value)}`,
        );
    }
    return value;
}

/** Reads a JSON array of strings, or undefined when the value is not one. */
function stringArray(raw: string): string[] | undefined {
    try {
        const parsed: unknown = JSON.parse(raw);
        return Array.isArray(parsed) && parsed.every((v) => typeof v === "string")
            ? parsed
            : undefined;
    } catch {
        return undefined;
    }
}

/** Typed reads of the raw config values, collecting an issue for each bad one. */
class SettingsReader {
    /** Every issue found so far, in the order found. */
    readonly issues: string[] = [];

    constructor(private readonly lookup: BootstrapConfigLookup) {}

    /** The raw value of `key`, as the lookup returns it. */
    raw(key: string): string | undefined {
        return this.lookup(key);
    }

    /** Records an issue. */
    add(issue: string): void {
        this.issues.push(issue);
    }

    /** Runs a validator; its error becomes an issue and its result undefined. */
    check<T>(fn: () => T): T | undefined {
        try {
            return fn();
        } catch (error) {
            this.issues.push((error as Error).message);
            return undefined;
        }
    }

    /** A value that must be set and not empty; "" (and an issue) when it is not. */
    required(key: string): string {
        const value = this.lookup(key);
        if (value === undefined || value === "") {
            this.issues.push(
                `${fullKey(key)} is required; set it with: pulumi config set ${key} <value>`,
            );
            return "";
        }
        return value;
    }

    /** A JSON list of strings: `fallback` when unset or empty, undefined (and an issue) when malformed. */
    list(key: string, fallback: string[]): string[] | undefined {
        const raw = this.lookup(key);
        if (raw === undefined || raw === "") {
            return fallback;
        }
        const parsed = stringArray(raw);
        if (parsed === undefined) {
            this.issues.push(`${fullKey(key)} must be a list of strings; got ${show(raw)}`);
        }
        return parsed;
    }

    /** `true` or `false`: `fallback` when unset or empty, and (with an issue) when malformed. */
    bool(key: string, fallback: boolean): boolean {
        const raw = this.lookup(key);
        if (raw === undefined || raw === "") {
            return fallback;
        }
        if (raw !== "true" && raw !== "false") {
            this.issues.push(`${fullKey(key)} must be true or false; got ${show(raw)}`);
            return fallback;
        }
        return raw === "true";
    }

    /** A value where unset and "" both mean undefined. */
    optional(key: string): string | undefined {
        const raw = this.lookup(key);
        return raw === undefined || raw === "" ? undefined : raw;
    }
}

/** The repository's owner and name: both required, then each validated ("" when bad). */
function readGithubRepository(r: SettingsReader): { githubOwner: string; githubRepo: string } {
    const ownerRaw = r.required("githubOwner");
    const repoRaw = r.required("githubRepo");
    const githubOwner = ownerRaw ? (r.check(() => validateGithubOwner(ownerRaw)) ?? "") : "";
    const githubRepo = repoRaw ? (r.check(() => validateGithubRepo(repoRaw)) ?? "") : "";
    return { githubOwner, githubRepo };
}

/** The GitHub Environments: dev, staging and prod by default; an explicit list can't be empty. */
function readEnvironments(r: SettingsReader): string[] {
    const environments = r.list("environments", ["dev", "staging", "prod"]) ?? [];
    if (r.raw("environments") !== undefined && environments.length === 0) {
        if (stringArray(r.raw("environments") ?? "") !== undefined) {
            r.add(`${fullKey("environments")} must list at least one GitHub Environment; got []`);
        }
    }
    checkEnvironmentNames(r, environments);
    return environments;
}

/** Each environment name must be usable in an OIDC subject, and listed once. */
function checkEnvironmentNames(r: SettingsReader, environments: string[]): void {
    const seen = new Set<string>();
    for (const env of environments) {
        if (!ENVIRONMENT.test(env)) {
            r.add(
                `${fullKey("environments")} entries must be 1 to 255 letters, digits, ".", "_" or "-"; ` +
                    `got ${show(env)}`,
            );
        } else if (seen.has(env)) {
            r.add(`${fullKey("environments")} lists ${show(env)} twice`);
        }
        seen.add(env);
    }
}

/** The branch of the scheduled drift detection: main by default. */
function readDefaultBranch(r: SettingsReader): string {
    const defaultBranch = r.optional("defaultBranch") ?? "main";
    if (!BRANCH.test(defaultBranch)) {
        r.add(
            `${fullKey("defaultBranch")} must be a branch name (letters, digits, ".", "_", "-", "/"); ` +
                `got ${show(defaultBranch)}`,
        );
    }
    return defaultBranch;
}

/** The names' prefix: orchestration by default; IAM characters only, and no role name past 64. */
function readNamePrefix(r: SettingsReader, environments: string[]): string {
    const namePrefix = r.optional("namePrefix") ?? "orchestration";
    const longestRole = Math.max(
        readOnlyRoleName(namePrefix).length,
        ...environments.map((env) => deployRoleName(namePrefix, env).length),
    );
    if (!IAM_NAME.test(namePrefix)) {
        r.add(
            `${fullKey("namePrefix")} may only hold letters, digits and + = , . @ _ -; got ${show(namePrefix)}`,
        );
    } else if (longestRole > 64) {
        r.add(
            `${fullKey("namePrefix")} ${show(namePrefix)} makes a role name of ${longestRole} characters; ` +
                `IAM allows 64`,
        );
    }
    return namePrefix;
}

/** The account's existing GitHub OIDC provider, when set: it must be GitHub's. */
function readExistingOidcProviderArn(r: SettingsReader): string | undefined {
    const existingOidcProviderArn = r.optional("existingOidcProviderArn");
    if (
        existingOidcProviderArn !== undefined &&
        !GITHUB_PROVIDER_ARN.test(existingOidcProviderArn)
    ) {
        r.add(
            `${fullKey("existingOidcProviderArn")} must be the ARN of the account's ` +
                `${GITHUB_OIDC_HOST} provider (arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST}); ` +
                `got ${show(existingOidcProviderArn)}`,
        );
    }
    return existingOidcProviderArn;
}

/** A list of IAM policy ARNs: `fallback` when unset; every entry must be a policy ARN. */
function readPolicyArns(r: SettingsReader, key: string, fallback: string[]): string[] {
    const arns = r.list(key, fallback) ?? [];
    for (const arn of arns) {
        if (!POLICY_ARN.test(arn)) {
            r.add(`${fullKey(key)} entries must be IAM policy ARNs; got ${show(arn)}`);
        }
    }
    return arns;
}

/** Whether to create the state backend (not by default), and its bucket's name, valid only then. */
function readStateBackend(r: SettingsReader): {
    createStateBackend: boolean;
    stateBucketName: string | undefined;
} {
    const createStateBackend = r.bool("createStateBackend", false);
    const stateBucketName = r.optional("stateBucketName");
    if (stateBucketName !== undefined) {
        if (!createStateBackend) {
            r.add(
                `${fullKey("stateBucketName")} is set to ${show(stateBucketName)} but ` +
                    `${fullKey("createStateBackend")} is false; set createStateBackend to true or unset the name`,
            );
        } else if (!BUCKET.test(stateBucketName)) {
            r.add(
                `${fullKey("stateBucketName")} must be an S3 bucket name: 3 to 63 lowercase letters, ` +
                    `digits, "." or "-"; got ${show(stateBucketName)}`,
            );
        }
    }
    return { createStateBackend, stateBucketName };
}

/**
 * The settings from raw config values, with the defaults Pulumi.yaml declares.
 * Pure: `lookup` is `pulumi.Config.get` in the program and a plain object in
 * tests.
 * @throws BootstrapConfigError listing every bad key and its value.
 */
export function loadBootstrapSettings(lookup: BootstrapConfigLookup): BootstrapSettings {
    const r = new SettingsReader(lookup);
    const { githubOwner, githubRepo } = readGithubRepository(r);
    const environments = readEnvironments(r);
    const defaultBranch = readDefaultBranch(r);
    const namePrefix = readNamePrefix(r, environments);
    const existingOidcProviderArn = readExistingOidcProviderArn(r);
    const deployPolicyArns = readPolicyArns(r, "deployPolicyArns", DEFAULT_DEPLOY_POLICY_ARNS);
    const readOnlyPolicyArns = readPolicyArns(
        r,
        "readOnlyPolicyArns",
        DEFAULT_READ_ONLY_POLICY_ARNS,
    );
    const { createStateBackend, stateBucketName } = readStateBackend(r);
    if (r.issues.length > 0) {
        throw new BootstrapConfigError(r.issues);
    }
    return {
        githubOwner,
        githubRepo,
        environments,
        defaultBranch,
        namePrefix,
        existingOidcProviderArn,
        deployPolicyArns,
        readOnlyPolicyArns,
        createStateBackend,
        stateBucketName,
    };
}
