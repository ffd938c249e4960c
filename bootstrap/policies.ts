/**
 * The pure half of the bootstrap stack: the IAM documents it attaches and the
 * names it gives (its typed, validated config is in settings.ts). Nothing here
 * talks to AWS or to Pulumi, so the tests exercise every rule directly.
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
