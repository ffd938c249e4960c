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
    BootstrapSettings,
    denyInsecureTransportPolicy,
    DEPLOY_MAX_SESSION_SECONDS,
    deployRoleName,
    deployTrustPolicy,
    GITHUB_OIDC_URL,
    githubSetupCommands,
    loadBootstrapSettings,
    previewReadPolicy,
    READ_ONLY_MAX_SESSION_SECONDS,
    readOnlyRoleName,
    readOnlyTrustPolicy,
    secretsKeyAlias,
    secretsProviderUrl,
    stateAccessPolicy,
    STS_AUDIENCE,
} from "./policies";

/** The state bucket, its key and the URLs the pipeline uses them by. */
interface StateBackend {
    bucket: aws.s3.Bucket;
    key: aws.kms.Key;
    backendUrl: pulumi.Output<string>;
    secretsProvider: pulumi.Output<string>;
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

function stateBackend(settings: BootstrapSettings, region: string): StateBackend {
    // State and secrets outlive this stack: `pulumi destroy` here must not take them along.
    const keep = { protect: true };
    const tags = { "managed-by": "pulumi", purpose: "pulumi-state" };
    const key = new aws.kms.Key(
        "pulumi-secrets",
        {
            description: `Pulumi secrets provider and state encryption for ${settings.githubOwner}/${settings.githubRepo}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags,
        },
        keep,
    );
    const aliasName = secretsKeyAlias(settings.namePrefix);
    new aws.kms.Alias("pulumi-secrets", { name: aliasName, targetKeyId: key.keyId });

    const bucket = new aws.s3.Bucket(
        "pulumi-state",
        { ...(settings.stateBucketName ? { bucket: settings.stateBucketName } : {}), tags },
        keep,
    );
    // Every earlier checkpoint stays recoverable.
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

export = async (): Promise<Record<string, unknown>> => {
    const config = new pulumi.Config();
    const settings = loadBootstrapSettings((key) => config.get(key));
    const { githubOwner: owner, githubRepo: repo } = settings;
    const repository = `${owner}/${repo}`;
    const { region } = await aws.getRegion();

    const providerArn = githubOidcProviderArn(settings);
    const backend = settings.createStateBackend ? stateBackend(settings, region) : undefined;

    const deployRoleArns: Record<string, pulumi.Output<string>> = {};
    for (const env of settings.environments) {
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
        deployRoleArns[env] = role.arn;
    }

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

    const repositoryVariables: Record<string, pulumi.Output<string>> = {
        AWS_READONLY_ROLE_ARN: readOnly.arn,
        ...(backend ? { PULUMI_BACKEND_URL: backend.backendUrl } : {}),
    };
    const environmentVariables: Record<string, Record<string, pulumi.Output<string>>> = {};
    for (const [env, arn] of Object.entries(deployRoleArns)) {
        environmentVariables[env] = { AWS_DEPLOY_ROLE_ARN: arn };
    }
    const github = pulumi.output({ repositoryVariables, environmentVariables });

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
            githubSetupCommands(owner, repo, settingsOut),
        ),
    };
};
