/**
 * The bootstrap stack: what the delivery pipeline needs in an AWS account
 * before its first run. Run it once per account, by hand, with administrator
 * credentials (docs/pipeline.md walks through it):
 *
 * - GitHub Actions' OIDC provider (or the account's existing one),
 * - one deploy role per GitHub Environment, trusted only by jobs running in
 *   that environment of this repository,
 * - one read-only role for pull-request previews and drift detection:
 *   view-only access plus exactly the reads a preview needs,
 * - optionally, an S3 state bucket and the KMS key of the secrets provider.
 *
 * It exports an async function; Pulumi awaits it and turns its result into
 * stack outputs, and tests call it directly under mocks.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    backendUrl,
    denyInsecureTransportPolicy,
    DEPLOY_MAX_SESSION_SECONDS,
    deployRoleName,
    deployTrustPolicy,
    GITHUB_OIDC_URL,
    githubSetupCommands,
    GithubSettings,
    previewReadPolicy,
    READ_ONLY_MAX_SESSION_SECONDS,
    readOnlyRoleName,
    readOnlyTrustPolicy,
    secretsKeyAlias,
    secretsProviderUrl,
    stateAccessPolicy,
    STS_AUDIENCE,
} from "./policies";
import { BootstrapSettings, loadBootstrapSettings } from "./settings";

/** The state bucket, its key and the URLs the pipeline uses them by. */
interface StateBackend {
    bucket: aws.s3.Bucket;
    key: aws.kms.Key;
    backendUrl: pulumi.Output<string>;
    secretsProvider: pulumi.Output<string>;
}

/** The repository as GitHub names it: `<owner>/<repo>`. */
function repositoryOf(settings: BootstrapSettings): string {
    return `${settings.githubOwner}/${settings.githubRepo}`;
}

/** GitHub's OIDC provider: IAM allows one per issuer URL and account, so an existing one can be reused. */
function githubOidcProviderArn(settings: BootstrapSettings): pulumi.Output<string> {
    if (settings.existingOidcProviderArn) {
        return pulumi.output(settings.existingOidcProviderArn);
    }
    // No thumbprints: for GitHub's issuer IAM validates the certificate against its
    // own trusted CAs and ignores any thumbprint list.
    const provider = new aws.iam.OpenIdConnectProvider("github-actions", {
        url: GITHUB_OIDC_URL,
        clientIdLists: [STS_AUDIENCE],
        tags: { "managed-by": "pulumi", purpose: "github-actions" },
    });
    return provider.arn;
}

/** The state backend's tags. */
const STATE_TAGS = { "managed-by": "pulumi", purpose: "pulumi-state" };
/** State and secrets outlive this stack: `pulumi destroy` here must not take them along. */
const KEEP = { protect: true };

/** The KMS key of the secrets provider and state encryption, with its alias. */
function secretsKey(settings: BootstrapSettings): { key: aws.kms.Key; aliasName: string } {
    const key = new aws.kms.Key(
        "pulumi-secrets",
        {
            description: `Pulumi secrets provider and state encryption for ${settings.githubOwner}/${settings.githubRepo}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: STATE_TAGS,
        },
        KEEP,
    );
    const aliasName = secretsKeyAlias(settings.namePrefix);
    new aws.kms.Alias("pulumi-secrets", { name: aliasName, targetKeyId: key.keyId });
    return { key, aliasName };
}

/**
 * Locks the state bucket down: versioned (every earlier checkpoint stays
 * recoverable), encrypted with `key`, never public, owner-enforced, TLS only.
 */
function secureStateBucket(bucket: aws.s3.Bucket, key: aws.kms.Key): void {
    new aws.s3.BucketVersioning("pulumi-state", {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
    });
    new aws.s3.BucketServerSideEncryptionConfiguration("pulumi-state", {
        bucket: bucket.id,
        rules: [
            {
                applyServerSideEncryptionByDefault: {
                    sseAlgorithm: "aws:kms",
                    kmsMasterKeyId: key.arn,
                },
                bucketKeyEnabled: true,
            },
        ],
    });
    new aws.s3.BucketPublicAccessBlock("pulumi-state", {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    });
    new aws.s3.BucketOwnershipControls("pulumi-state", {
        bucket: bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new aws.s3.BucketPolicy("pulumi-state", {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransportPolicy(arn))),
    });
}

/** The S3 state bucket and its KMS key, protected, and the URLs the pipeline uses them by. */
function stateBackend(settings: BootstrapSettings, region: string): StateBackend {
    const { key, aliasName } = secretsKey(settings);
    const bucket = new aws.s3.Bucket(
        "pulumi-state",
        {
            ...(settings.stateBucketName ? { bucket: settings.stateBucketName } : {}),
            tags: STATE_TAGS,
        },
        KEEP,
    );
    secureStateBucket(bucket, key);
    return {
        bucket,
        key,
        backendUrl: bucket.bucket.apply((name) => backendUrl(name, region)),
        secretsProvider: pulumi.output(secretsProviderUrl(aliasName, region)),
    };
}

/** Attaches managed policies to a role, one attachment per policy. */
function attachPolicies(role: aws.iam.Role, logicalName: string, policyArns: string[]): void {
    policyArns.forEach((policyArn, i) => {
        new aws.iam.RolePolicyAttachment(`${logicalName}-${i}`, { role: role.name, policyArn });
    });
}

/** Gives a role access to the state bucket and its key. */
function grantState(
    role: aws.iam.Role,
    logicalName: string,
    backend: StateBackend,
    access: "read" | "write",
): void {
    new aws.iam.RolePolicy(`${logicalName}-state`, {
        role: role.id,
        policy: pulumi
            .all([backend.bucket.arn, backend.key.arn])
            .apply(([bucketArn, keyArn]) =>
                JSON.stringify(stateAccessPolicy(bucketArn, keyArn, access)),
            ),
    });
}

/**
 * The deploy role of environment `env`: trusted only by jobs in that GitHub
 * Environment, with the deploy policies and write access to the state backend.
 */
function deployRole(
    settings: BootstrapSettings,
    env: string,
    providerArn: pulumi.Output<string>,
    backend: StateBackend | undefined,
): aws.iam.Role {
    const { githubOwner: owner, githubRepo: repo } = settings;
    const repository = repositoryOf(settings);
    const logicalName = `deploy-${env}`;
    const role = new aws.iam.Role(logicalName, {
        name: deployRoleName(settings.namePrefix, env),
        description: `pulumi up for the ${env} stack, from GitHub Actions jobs in the ${env} environment of ${repository}`,
        assumeRolePolicy: providerArn.apply((arn) =>
            JSON.stringify(deployTrustPolicy(arn, owner, repo, env)),
        ),
        maxSessionDuration: DEPLOY_MAX_SESSION_SECONDS,
        tags: { "managed-by": "pulumi", "github-repository": repository, environment: env },
    });
    attachPolicies(role, logicalName, settings.deployPolicyArns);
    if (backend) {
        grantState(role, logicalName, backend, "write");
    }
    return role;
}

/** One deploy role per environment, in order; their ARNs keyed by environment. */
function deployRoles(
    settings: BootstrapSettings,
    providerArn: pulumi.Output<string>,
    backend: StateBackend | undefined,
): Record<string, pulumi.Output<string>> {
    const deployRoleArns: Record<string, pulumi.Output<string>> = {};
    for (const env of settings.environments) {
        deployRoleArns[env] = deployRole(settings, env, providerArn, backend).arn;
    }
    return deployRoleArns;
}

/**
 * The read-only role of pull-request previews and drift detection: view-only
 * access, the reads a preview needs, and read access to the state backend.
 */
function readOnlyRole(
    settings: BootstrapSettings,
    providerArn: pulumi.Output<string>,
    backend: StateBackend | undefined,
): aws.iam.Role {
    const { githubOwner: owner, githubRepo: repo } = settings;
    const repository = repositoryOf(settings);
    const readOnly = new aws.iam.Role("readonly", {
        name: readOnlyRoleName(settings.namePrefix),
        description: `pulumi preview and drift detection from GitHub Actions (pull requests and ${settings.defaultBranch}) of ${repository}`,
        assumeRolePolicy: providerArn.apply((arn) =>
            JSON.stringify(readOnlyTrustPolicy(arn, owner, repo, settings.defaultBranch)),
        ),
        maxSessionDuration: READ_ONLY_MAX_SESSION_SECONDS,
        tags: { "managed-by": "pulumi", "github-repository": repository },
    });
    attachPolicies(readOnly, "readonly", settings.readOnlyPolicyArns);
    // The reads a preview needs beyond view-only access, and nothing more.
    new aws.iam.RolePolicy("readonly-preview", {
        role: readOnly.id,
        policy: JSON.stringify(previewReadPolicy()),
    });
    if (backend) {
        grantState(readOnly, "readonly", backend, "read");
    }
    return readOnly;
}

/** The variables the repository and each GitHub Environment need, for the pipeline. */
function githubVariables(
    readOnly: aws.iam.Role,
    deployRoleArns: Record<string, pulumi.Output<string>>,
    backend: StateBackend | undefined,
): pulumi.Output<GithubSettings> {
    const repositoryVariables: Record<string, pulumi.Output<string>> = {
        AWS_READONLY_ROLE_ARN: readOnly.arn,
        ...(backend ? { PULUMI_BACKEND_URL: backend.backendUrl } : {}),
    };
    const environmentVariables: Record<string, Record<string, pulumi.Output<string>>> = {};
    for (const [env, arn] of Object.entries(deployRoleArns)) {
        environmentVariables[env] = { AWS_DEPLOY_ROLE_ARN: arn };
    }
    return pulumi.output({ repositoryVariables, environmentVariables });
}

export = async (): Promise<Record<string, unknown>> => {
    const config = new pulumi.Config();
    const settings = loadBootstrapSettings((key) => config.get(key));
    const { region } = await aws.getRegion();

    const providerArn = githubOidcProviderArn(settings);
    const backend = settings.createStateBackend ? stateBackend(settings, region) : undefined;
    const deployRoleArns = deployRoles(settings, providerArn, backend);
    const readOnly = readOnlyRole(settings, providerArn, backend);
    const github = githubVariables(readOnly, deployRoleArns, backend);

    return {
        oidcProviderArn: providerArn,
        deployRoleArns,
        readOnlyRoleArn: readOnly.arn,
        ...(backend
            ? {
                  stateBucket: backend.bucket.bucket,
                  backendUrl: backend.backendUrl,
                  secretsProvider: backend.secretsProvider,
              }
            : {}),
        githubVariables: github,
        githubSetupCommands: github.apply((settingsOut) =>
            githubSetupCommands(settings.githubOwner, settings.githubRepo, settingsOut),
        ),
    };
};
