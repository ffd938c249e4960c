/**
 * The pure half of the bootstrap stack: its typed, validated config and the
 * IAM documents it attaches. Nothing here talks to AWS or to Pulumi, so the
 * tests exercise every rule directly.
 *
 * The trust policies are the security boundary of the pipeline. GitHub signs
 * an OIDC token for each job whose `sub` claim names the repository and the
 * job's context:
 *
 * - `repo:<owner>/<repo>:environment:<env>` for a job that runs in a GitHub
 *   Environment (the deploy jobs),
 * - `repo:<owner>/<repo>:pull_request` for a job triggered by a pull request,
 * - `repo:<owner>/<repo>:ref:refs/heads/<branch>` for any other job on a branch.
 *
 * Each role trusts an exact list of those subjects (`StringEquals`, never
 * `StringLike`), and only tokens minted for AWS STS (`aud`).
 */

/** The project's config namespace (`<namespace>:<key>` in the stack file). */
export const BOOTSTRAP_NAMESPACE = "orchestration-bootstrap";

/** GitHub Actions' OIDC issuer, as IAM registers it. */
export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
/** The issuer's host: the prefix of its condition keys in IAM policies. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests. */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** What a deploy role gets by default: the program creates VPCs, EKS, IAM roles and KMS keys. */
export const DEFAULT_DEPLOY_POLICY_ARNS = ["arn:aws:iam::aws:policy/AdministratorAccess"];
/**
 * What the read-only role gets by default: view-only access (resource lists
 * and metadata, no data: no S3 object, DynamoDB item or secret), completed by
 * `previewReadPolicy`. `ReadOnlyAccess` would let any pull request read every
 * S3 object and DynamoDB table in the account.
 */
export const DEFAULT_READ_ONLY_POLICY_ARNS = [
    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
];

/**
 * Exactly the reads that `pulumi preview` and `pulumi refresh --preview-only`
 * of the orchestration program make beyond `ViewOnlyAccess`, by service: what
 * the AWS provider reads back for each resource the program creates (the VPC's
 * network, the EKS cluster, node group, add-ons and access entries, the IAM
 * roles, policies and OIDC provider, the KMS key, the launch template), and the
 * invokes it makes (add-on versions, the AMI release parameter). No S3 and no
 * DynamoDB: the state backend's read access is `stateAccessPolicy`'s.
 */
export const PREVIEW_READ_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    EksRead: [
        "eks:DescribeAccessEntry",
        "eks:DescribeAddon",
        "eks:DescribeAddonConfiguration",
        "eks:DescribeAddonVersions",
        "eks:DescribeCluster",
        "eks:DescribeNodegroup",
        "eks:ListAccessEntries",
        "eks:ListAddons",
        "eks:ListAssociatedAccessPolicies",
        "eks:ListClusters",
        "eks:ListNodegroups",
        "eks:ListTagsForResource",
    ],
    IamRead: [
        "iam:GetOpenIDConnectProvider",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:ListOpenIDConnectProviders",
        "iam:ListRolePolicies",
        "iam:ListRoleTags",
    ],
    Ec2Read: ["ec2:Describe*"],
    KmsRead: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListAliases",
        "kms:ListResourceTags",
    ],
    LogsRead: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
};

/** The public SSM parameters of the EKS-optimized AMIs, in any region and partition. */
export const EKS_AMI_PARAMETERS = "arn:*:ssm:*::parameter/aws/service/eks/optimized-ami/*";

/**
 * The inline policy of the read-only role: `PREVIEW_READ_ACTIONS` on any
 * resource (these reads have no finer resource scope worth keeping in step
 * with the program), and the EKS AMI release parameters, only those.
 */
export function previewReadPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...Object.entries(PREVIEW_READ_ACTIONS).map(([sid, actions]) => ({
                Sid: sid,
                Effect: "Allow" as const,
                Action: [...actions],
                Resource: "*",
            })),
            {
                Sid: "EksAmiReleaseParameters",
                Effect: "Allow",
                Action: ["ssm:GetParameter", "ssm:GetParameters"],
                Resource: EKS_AMI_PARAMETERS,
            },
        ],
    };
}

/** The longest session, in seconds, a deploy role allows: an EKS update can run past an hour. */
export const DEPLOY_MAX_SESSION_SECONDS = 7200;
/** The longest session, in seconds, the read-only role allows. */
export const READ_ONLY_MAX_SESSION_SECONDS = 3600;

/** An IAM policy document. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** One statement of an IAM policy document. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]> | "*";
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

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

/** The OIDC subject of a job that runs in GitHub Environment `environment`. */
export function environmentSubject(owner: string, repo: string, environment: string): string {
    return `repo:${owner}/${repo}:environment:${environment}`;
}

/** The OIDC subject of a job triggered by a pull request (from a branch of the repository). */
export function pullRequestSubject(owner: string, repo: string): string {
    return `repo:${owner}/${repo}:pull_request`;
}

/** The OIDC subject of a job on `branch` with no environment (scheduled runs, manual runs). */
export function branchSubject(owner: string, repo: string, branch: string): string {
    return `repo:${owner}/${repo}:ref:refs/heads/${branch}`;
}

/**
 * A trust policy that lets GitHub Actions jobs with exactly these OIDC
 * subjects assume the role, with tokens minted for STS only.
 */
export function githubTrustPolicy(providerArn: string, subjects: string[]): PolicyDocument {
    if (subjects.length === 0) {
        throw new Error("a GitHub trust policy needs at least one subject");
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "GitHubActionsOidc",
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
                    },
                },
            },
        ],
    };
}

/** The trust policy of the deploy role of one environment: only jobs in that GitHub Environment. */
export function deployTrustPolicy(
    providerArn: string,
    owner: string,
    repo: string,
    environment: string,
): PolicyDocument {
    return githubTrustPolicy(providerArn, [environmentSubject(owner, repo, environment)]);
}

/**
 * The trust policy of the read-only role: pull-request previews, and the
 * scheduled drift detection on the default branch.
 */
export function readOnlyTrustPolicy(
    providerArn: string,
    owner: string,
    repo: string,
    defaultBranch: string,
): PolicyDocument {
    return githubTrustPolicy(providerArn, [
        pullRequestSubject(owner, repo),
        branchSubject(owner, repo, defaultBranch),
    ]);
}

/**
 * Access to the S3 state backend and its KMS key. `read` is what a preview
 * needs (read the checkpoint, decrypt secrets; previews take no lock); `write`
 * is what an update needs (write checkpoints, history and lock files, encrypt).
 */
export function stateAccessPolicy(
    bucketArn: string,
    keyArn: string,
    access: "read" | "write",
): PolicyDocument {
    const objectActions =
        access === "write" ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"];
    const keyActions =
        access === "write"
            ? ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
            : ["kms:Decrypt", "kms:DescribeKey"];
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListStateBucket",
                Effect: "Allow",
                Action: ["s3:GetBucketLocation", "s3:ListBucket"],
                Resource: bucketArn,
            },
            {
                Sid: "StateObjects",
                Effect: "Allow",
                Action: objectActions,
                Resource: `${bucketArn}/*`,
            },
            { Sid: "SecretsKey", Effect: "Allow", Action: keyActions, Resource: keyArn },
        ],
    };
}

/** A bucket policy that refuses every request made without TLS. */
export function denyInsecureTransportPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** The `PULUMI_BACKEND_URL` of an S3 state bucket. */
export function backendUrl(bucket: string, region: string): string {
    return `s3://${bucket}?region=${region}`;
}

/** The `--secrets-provider` of a KMS key alias (`alias/...`). */
export function secretsProviderUrl(aliasName: string, region: string): string {
    return `awskms://${aliasName}?region=${region}`;
}

/** The KMS alias of the secrets provider's key. */
export function secretsKeyAlias(namePrefix: string): string {
    return `alias/${namePrefix}-pulumi-secrets`;
}

/** The name of an environment's deploy role. */
export function deployRoleName(namePrefix: string, environment: string): string {
    return `${namePrefix}-deploy-${environment}`;
}

/** The name of the read-only role. */
export function readOnlyRoleName(namePrefix: string): string {
    return `${namePrefix}-readonly`;
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

/**
 * The settings from raw config values, with the defaults Pulumi.yaml declares.
 * Pure: `lookup` is `pulumi.Config.get` in the program and a plain object in
 * tests.
 * @throws BootstrapConfigError listing every bad key and its value.
 */
export function loadBootstrapSettings(lookup: BootstrapConfigLookup): BootstrapSettings {
    const issues: string[] = [];
    const check = <T>(fn: () => T): T | undefined => {
        try {
            return fn();
        } catch (error) {
            issues.push((error as Error).message);
            return undefined;
        }
    };
    const required = (key: string): string => {
        const value = lookup(key);
        if (value === undefined || value === "") {
            issues.push(
                `${fullKey(key)} is required; set it with: pulumi config set ${key} <value>`,
            );
            return "";
        }
        return value;
    };
    const list = (key: string, fallback: string[]): string[] | undefined => {
        const raw = lookup(key);
        if (raw === undefined || raw === "") {
            return fallback;
        }
        const parsed = stringArray(raw);
        if (parsed === undefined) {
            issues.push(`${fullKey(key)} must be a list of strings; got ${show(raw)}`);
        }
        return parsed;
    };
    const bool = (key: string, fallback: boolean): boolean => {
        const raw = lookup(key);
        if (raw === undefined || raw === "") {
            return fallback;
        }
        if (raw !== "true" && raw !== "false") {
            issues.push(`${fullKey(key)} must be true or false; got ${show(raw)}`);
            return fallback;
        }
        return raw === "true";
    };
    const optional = (key: string): string | undefined => {
        const raw = lookup(key);
        return raw === undefined || raw === "" ? undefined : raw;
    };

    const ownerRaw = required("githubOwner");
    const repoRaw = required("githubRepo");
    const githubOwner = ownerRaw ? (check(() => validateGithubOwner(ownerRaw)) ?? "") : "";
    const githubRepo = repoRaw ? (check(() => validateGithubRepo(repoRaw)) ?? "") : "";

    const environments = list("environments", ["dev", "staging", "prod"]) ?? [];
    if (lookup("environments") !== undefined && environments.length === 0) {
        if (stringArray(lookup("environments") ?? "") !== undefined) {
            issues.push(
                `${fullKey("environments")} must list at least one GitHub Environment; got []`,
            );
        }
    }
    const seen = new Set<string>();
    for (const env of environments) {
        if (!ENVIRONMENT.test(env)) {
            issues.push(
                `${fullKey("environments")} entries must be 1 to 255 letters, digits, ".", "_" or "-"; ` +
                    `got ${show(env)}`,
            );
        } else if (seen.has(env)) {
            issues.push(`${fullKey("environments")} lists ${show(env)} twice`);
        }
        seen.add(env);
    }

    const defaultBranch = optional("defaultBranch") ?? "main";
    if (!BRANCH.test(defaultBranch)) {
        issues.push(
            `${fullKey("defaultBranch")} must be a branch name (letters, digits, ".", "_", "-", "/"); ` +
                `got ${show(defaultBranch)}`,
        );
    }

    const namePrefix = optional("namePrefix") ?? "orchestration";
    const longestRole = Math.max(
        readOnlyRoleName(namePrefix).length,
        ...environments.map((env) => deployRoleName(namePrefix, env).length),
    );
    if (!IAM_NAME.test(namePrefix)) {
        issues.push(
            `${fullKey("namePrefix")} may only hold letters, digits and + = , . @ _ -; got ${show(namePrefix)}`,
        );
    } else if (longestRole > 64) {
        issues.push(
            `${fullKey("namePrefix")} ${show(namePrefix)} makes a role name of ${longestRole} characters; ` +
                `IAM allows 64`,
        );
    }

    const existingOidcProviderArn = optional("existingOidcProviderArn");
    if (
        existingOidcProviderArn !== undefined &&
        !GITHUB_PROVIDER_ARN.test(existingOidcProviderArn)
    ) {
        issues.push(
            `${fullKey("existingOidcProviderArn")} must be the ARN of the account's ` +
                `${GITHUB_OIDC_HOST} provider (arn:aws:iam::<account>:oidc-provider/${GITHUB_OIDC_HOST}); ` +
                `got ${show(existingOidcProviderArn)}`,
        );
    }

    const policyList = (key: string, fallback: string[]): string[] => {
        const arns = list(key, fallback) ?? [];
        for (const arn of arns) {
            if (!POLICY_ARN.test(arn)) {
                issues.push(`${fullKey(key)} entries must be IAM policy ARNs; got ${show(arn)}`);
            }
        }
        return arns;
    };
    const deployPolicyArns = policyList("deployPolicyArns", DEFAULT_DEPLOY_POLICY_ARNS);
    const readOnlyPolicyArns = policyList("readOnlyPolicyArns", DEFAULT_READ_ONLY_POLICY_ARNS);

    const createStateBackend = bool("createStateBackend", false);
    const stateBucketName = optional("stateBucketName");
    if (stateBucketName !== undefined) {
        if (!createStateBackend) {
            issues.push(
                `${fullKey("stateBucketName")} is set to ${show(stateBucketName)} but ` +
                    `${fullKey("createStateBackend")} is false; set createStateBackend to true or unset the name`,
            );
        } else if (!BUCKET.test(stateBucketName)) {
            issues.push(
                `${fullKey("stateBucketName")} must be an S3 bucket name: 3 to 63 lowercase letters, ` +
                    `digits, "." or "-"; got ${show(stateBucketName)}`,
            );
        }
    }

    if (issues.length > 0) {
        throw new BootstrapConfigError(issues);
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

/** What the repository's GitHub settings need, from the stack's outputs. */
export interface GithubSettings {
    /** Repository variables. */
    repositoryVariables: Record<string, string>;
    /** Variables of each GitHub Environment. */
    environmentVariables: Record<string, Record<string, string>>;
}

/**
 * The `gh` commands that set the pipeline's variables. Run them from a clone
 * of the repository after creating the environments.
 */
export function githubSetupCommands(
    owner: string,
    repo: string,
    settings: GithubSettings,
): string[] {
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
    const commands: string[] = [];
    for (const [name, value] of Object.entries(settings.repositoryVariables)) {
        commands.push(`gh variable set ${name} --repo ${owner}/${repo} --body ${quote(value)}`);
    }
    for (const [env, vars] of Object.entries(settings.environmentVariables)) {
        for (const [name, value] of Object.entries(vars)) {
            commands.push(
                `gh variable set ${name} --repo ${owner}/${repo} --env ${env} --body ${quote(value)}`,
            );
        }
    }
    return commands;
}
