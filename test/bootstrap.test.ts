import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import {
    branchSubject,
    deployTrustPolicy,
    environmentSubject,
    githubSetupCommands,
    githubTrustPolicy,
    EKS_AMI_PARAMETERS,
    PolicyDocument,
    previewReadPolicy,
    pullRequestSubject,
    readOnlyTrustPolicy,
    stateAccessPolicy,
} from "../bootstrap/policies";
import {
    BOOTSTRAP_NAMESPACE,
    BootstrapConfigError,
    loadBootstrapSettings,
    validateGithubOwner,
    validateGithubRepo,
} from "../bootstrap/settings";
import {
    installMocks,
    MOCK_ACCOUNT,
    registerMockState,
    ResourceRecorder,
    settleRegistrations,
    valueOf,
} from "../components/testing";
import { amiReleaseParameter } from "../components/eks-cluster/versions";
import { evaluateStack } from "./stacks";

/**
 * The bootstrap stack (bootstrap/): the trust policies and config validation
 * as pure functions, then the program under mocks with the engine's config.
 */

const ROOT = path.resolve(__dirname, "..");
const PROVIDER_ARN = `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const key = (name: string) => `${BOOTSTRAP_NAMESPACE}:${name}`;
const REQUIRED = { [key("githubOwner")]: "acme", [key("githubRepo")]: "orchestration" };
const lookupFrom =
    (values: Record<string, string>) =>
    (name: string): string | undefined =>
        values[name];

/** The error a function throws, which must be one. */
function thrown(fn: () => unknown): Error {
    try {
        fn();
    } catch (error) {
        assert.ok(error instanceof Error);
        return error;
    }
    assert.fail("expected an error");
}

describe("bootstrap: trust policies and validation (pure)", () => {
    it("accepts GitHub owner names and rejects others, naming the key and the value", () => {
        for (const ok of ["acme", "a", "Acme-Corp", "a1-b2-c3", "x".repeat(39)]) {
            assert.equal(validateGithubOwner(ok), ok);
        }
        for (const bad of [
            "",
            "-acme",
            "acme-",
            "a--b",
            "a_b",
            "acme/repo",
            "x".repeat(40),
            "a*",
        ]) {
            const error = thrown(() => validateGithubOwner(bad));
            assert.match(
                error.message,
                /orchestration-bootstrap:githubOwner must be a GitHub user/,
            );
            assert.ok(error.message.endsWith(`got ${JSON.stringify(bad)}`), error.message);
        }
    });

    it("accepts GitHub repository names and rejects others, naming the key and the value", () => {
        for (const ok of ["orchestration", "my.repo_x-1", "A", "x".repeat(100)]) {
            assert.equal(validateGithubRepo(ok), ok);
        }
        const withOwner = thrown(() => validateGithubRepo("acme/orchestration"));
        assert.equal(
            withOwner.message,
            'orchestration-bootstrap:githubRepo is the repository name without its owner (set the owner in orchestration-bootstrap:githubOwner); got "acme/orchestration"',
        );
        for (const bad of ["", ".", "..", "has space", "repo*", "repo?", "x".repeat(101)]) {
            const error = thrown(() => validateGithubRepo(bad));
            assert.match(
                error.message,
                /orchestration-bootstrap:githubRepo must be a GitHub repository name/,
            );
            assert.ok(error.message.endsWith(`got ${JSON.stringify(bad)}`), error.message);
        }
    });

    it("builds the OIDC subjects GitHub puts in its tokens", () => {
        assert.equal(environmentSubject("acme", "orch", "prod"), "repo:acme/orch:environment:prod");
        assert.equal(pullRequestSubject("acme", "orch"), "repo:acme/orch:pull_request");
        assert.equal(branchSubject("acme", "orch", "main"), "repo:acme/orch:ref:refs/heads/main");
    });

    it("lets only the environment's jobs of this repository assume a deploy role, with STS tokens", () => {
        assert.deepEqual(deployTrustPolicy(PROVIDER_ARN, "acme", "orch", "prod"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "GitHubActionsOidc",
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER_ARN },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                            "token.actions.githubusercontent.com:sub":
                                "repo:acme/orch:environment:prod",
                        },
                    },
                },
            ],
        });
    });

    it("lets pull requests and the default branch assume the read-only role, nothing else", () => {
        const policy = readOnlyTrustPolicy(PROVIDER_ARN, "acme", "orch", "main");
        const condition = policy.Statement[0].Condition!;
        assert.deepEqual(Object.keys(condition), ["StringEquals"]);
        assert.deepEqual(condition.StringEquals, {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
                "repo:acme/orch:pull_request",
                "repo:acme/orch:ref:refs/heads/main",
            ],
        });
        assert.equal(policy.Statement.length, 1);
        assert.equal(policy.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        assert.throws(() => githubTrustPolicy(PROVIDER_ARN, []), /at least one subject/);
    });

    it("gives previews read access to the state and updates write access", () => {
        const bucket = "arn:aws:s3:::state";
        const keyArn = "arn:aws:kms:us-west-2:123456789012:key/k";
        const actions = (access: "read" | "write") =>
            stateAccessPolicy(bucket, keyArn, access).Statement.map((s) => [s.Resource, s.Action]);
        assert.deepEqual(actions("read"), [
            [bucket, ["s3:GetBucketLocation", "s3:ListBucket"]],
            [`${bucket}/*`, ["s3:GetObject"]],
            [keyArn, ["kms:Decrypt", "kms:DescribeKey"]],
        ]);
        assert.deepEqual(actions("write"), [
            [bucket, ["s3:GetBucketLocation", "s3:ListBucket"]],
            [`${bucket}/*`, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]],
            [keyArn, ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]],
        ]);
    });

    it("reads the settings with Pulumi.yaml's defaults", () => {
        assert.deepEqual(
            loadBootstrapSettings(lookupFrom({ githubOwner: "acme", githubRepo: "orchestration" })),
            {
                githubOwner: "acme",
                githubRepo: "orchestration",
                environments: ["dev", "staging", "prod"],
                defaultBranch: "main",
                namePrefix: "orchestration",
                existingOidcProviderArn: undefined,
                deployPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
                readOnlyPolicyArns: ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
                createStateBackend: false,
                stateBucketName: undefined,
            },
        );
    });

    it("declares in Pulumi.yaml exactly the keys it reads, with the same defaults", () => {
        const project = parse(fs.readFileSync(path.join(ROOT, "bootstrap", "Pulumi.yaml"), "utf8"));
        assert.equal(project.name, BOOTSTRAP_NAMESPACE);
        const read = new Set<string>();
        const fromDefaults: Record<string, string> = { githubOwner: "acme", githubRepo: "o" };
        for (const [name, spec] of Object.entries<any>(project.config)) {
            if ("default" in spec) {
                fromDefaults[name] =
                    typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
            }
        }
        const withDefaults = loadBootstrapSettings((name) => {
            read.add(name);
            return fromDefaults[name];
        });
        assert.deepEqual([...read].sort(), Object.keys(project.config).sort());
        assert.deepEqual(
            withDefaults,
            loadBootstrapSettings(lookupFrom({ githubOwner: "acme", githubRepo: "o" })),
        );
    });

    it("reports every bad key at once, each with its value", () => {
        const error = thrown(() =>
            loadBootstrapSettings(
                lookupFrom({
                    githubOwner: "-acme",
                    environments: '["dev", "prod env", "dev"]',
                    defaultBranch: "feature/*",
                    existingOidcProviderArn: "arn:aws:iam::123:oidc-provider/example.com",
                    deployPolicyArns: '["AdministratorAccess"]',
                    createStateBackend: "yes",
                }),
            ),
        );
        assert.ok(error instanceof BootstrapConfigError);
        assert.deepEqual(
            error.issues.map((i) => i.split(" ").slice(0, 1)[0]),
            [
                "orchestration-bootstrap:githubRepo",
                "orchestration-bootstrap:githubOwner",
                "orchestration-bootstrap:environments",
                "orchestration-bootstrap:environments",
                "orchestration-bootstrap:defaultBranch",
                "orchestration-bootstrap:existingOidcProviderArn",
                "orchestration-bootstrap:deployPolicyArns",
                "orchestration-bootstrap:createStateBackend",
            ],
        );
        assert.match(
            error.message,
            /githubRepo is required; set it with: pulumi config set githubRepo/,
        );
        assert.match(error.message, /got "prod env"/);
        assert.match(error.message, /lists "dev" twice/);
        assert.match(error.message, /got "feature\/\*"/);
        assert.match(error.message, /must be true or false; got "yes"/);
    });

    it("refuses role names IAM would refuse, and a bucket name without a bucket", () => {
        const issues = (values: Record<string, string>) => {
            const error = thrown(() =>
                loadBootstrapSettings(lookupFrom({ githubOwner: "a", githubRepo: "b", ...values })),
            );
            assert.ok(error instanceof BootstrapConfigError);
            return error.issues;
        };
        assert.deepEqual(issues({ namePrefix: "x".repeat(50) }), [
            `orchestration-bootstrap:namePrefix "${"x".repeat(50)}" makes a role name of 65 characters; IAM allows 64`,
        ]);
        assert.match(issues({ namePrefix: "bad prefix" })[0], /namePrefix may only hold/);
        assert.match(
            issues({ stateBucketName: "state" })[0],
            /stateBucketName is set to "state" but orchestration-bootstrap:createStateBackend is false/,
        );
        assert.match(
            issues({ createStateBackend: "true", stateBucketName: "Bad_Bucket" })[0],
            /stateBucketName must be an S3 bucket name.*got "Bad_Bucket"/,
        );
        assert.match(
            issues({ environments: "[]" })[0],
            /at least one GitHub Environment; got \[\]/,
        );
        assert.match(
            issues({ environments: "dev" })[0],
            /environments must be a list of strings; got "dev"/,
        );
    });

    it("writes gh commands that set each variable where the workflows read it", () => {
        assert.deepEqual(
            githubSetupCommands("acme", "orch", {
                repositoryVariables: { AWS_READONLY_ROLE_ARN: "arn:ro" },
                environmentVariables: { prod: { AWS_DEPLOY_ROLE_ARN: "it's" } },
            }),
            [
                "gh variable set AWS_READONLY_ROLE_ARN --repo acme/orch --body 'arn:ro'",
                `gh variable set AWS_DEPLOY_ROLE_ARN --repo acme/orch --env prod --body 'it'\\''s'`,
            ],
        );
    });
});

/** Forgets every module of this repository, so the bootstrap program runs afresh. */
function freshModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/** Runs bootstrap/index.ts under mocks with `config`, as the engine would pass it. */
async function runBootstrap(
    config: Record<string, unknown>,
): Promise<{ mocks: ResourceRecorder; outputs?: Record<string, any>; error?: unknown }> {
    const mocks = await installMocks({ project: BOOTSTRAP_NAMESPACE, stack: "bootstrap", config });
    freshModules();
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require("../bootstrap/index") as () => Promise<Record<string, unknown>>;
        const outputs = (await valueOf(pulumi.output(await program()))) as Record<string, any>;
        await settleRegistrations();
        return { mocks, outputs };
    } catch (error) {
        await settleRegistrations();
        return { mocks, error };
    }
}

async function bootstrap(config: Record<string, unknown> = {}) {
    const { mocks, outputs, error } = await runBootstrap({ ...REQUIRED, ...config });
    if (error !== undefined) {
        throw error instanceof Error ? error : new Error(JSON.stringify(error));
    }
    return { mocks, outputs: outputs! };
}

/** The subjects a role's trust policy accepts, after checking the rest of the policy. */
function trustedSubjects(role: any, providerArn = PROVIDER_ARN): string[] {
    const policy = JSON.parse(role.inputs.assumeRolePolicy);
    assert.equal(policy.Statement.length, 1);
    const [statement] = policy.Statement;
    assert.equal(statement.Effect, "Allow");
    assert.deepEqual(statement.Principal, { Federated: providerArn });
    assert.equal(statement.Action, "sts:AssumeRoleWithWebIdentity");
    assert.deepEqual(Object.keys(statement.Condition), ["StringEquals"]);
    const equals = statement.Condition.StringEquals;
    assert.equal(equals["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
    assert.deepEqual(Object.keys(equals).sort(), [
        "token.actions.githubusercontent.com:aud",
        "token.actions.githubusercontent.com:sub",
    ]);
    const sub = equals["token.actions.githubusercontent.com:sub"];
    return Array.isArray(sub) ? sub : [sub];
}

describe("bootstrap: the program (under mocks)", () => {
    before(() => {
        registerMockState(
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            (_name, inputs) => ({
                ...inputs,
                arn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${String(inputs.url).replace("https://", "")}`,
            }),
        );
        registerMockState("aws:s3/bucket:Bucket", (name, inputs) => {
            const bucket = inputs.bucket ?? `${name}-0a1b2c3`;
            return { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` };
        });
    });

    it("registers the OIDC provider, a deploy role per environment and the read-only role, and no state backend by default", async () => {
        const { mocks } = await bootstrap();
        assert.deepEqual(mocks.typeCounts(), {
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
            "aws:iam/role:Role": 4,
            "aws:iam/rolePolicy:RolePolicy": 1,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 4,
        });
    });

    it("registers GitHub's issuer for the STS audience, with no thumbprints", async () => {
        const { mocks } = await bootstrap();
        const provider = mocks.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
        assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
        // IAM checks GitHub's certificate against its own trusted CAs; a thumbprint list
        // would be ignored, and a stale one misleads.
        assert.equal(provider.inputs.thumbprintLists, undefined);
    });

    it("trusts each deploy role to its own environment only, and the read-only role to pull requests and main", async () => {
        const { mocks } = await bootstrap();
        const role = (name: string) => mocks.one("aws:iam/role:Role", name);
        for (const env of ["dev", "staging", "prod"]) {
            const deploy = role(`deploy-${env}`);
            assert.equal(deploy.inputs.name, `orchestration-deploy-${env}`);
            assert.deepEqual(trustedSubjects(deploy), [
                `repo:acme/orchestration:environment:${env}`,
            ]);
            assert.equal(deploy.inputs.maxSessionDuration, 7200);
        }
        const readOnly = role("readonly");
        assert.equal(readOnly.inputs.name, "orchestration-readonly");
        assert.deepEqual(trustedSubjects(readOnly), [
            "repo:acme/orchestration:pull_request",
            "repo:acme/orchestration:ref:refs/heads/main",
        ]);
        assert.equal(readOnly.inputs.maxSessionDuration, 3600);
    });

    it("lets a deploy job request the two-hour session the workflow asks for", async () => {
        const { mocks } = await bootstrap();
        const workflow = parse(
            fs.readFileSync(path.join(ROOT, ".github", "workflows", "pulumi-stack.yml"), "utf8"),
        );
        const configure = Object.values<any>(workflow.jobs)[0].steps.find((s: any) =>
            String(s.uses).startsWith("aws-actions/configure-aws-credentials@"),
        );
        const requested = /== 'up' && (\d+) \|\| (\d+)/.exec(
            configure.with["role-duration-seconds"],
        );
        assert.ok(requested);
        assert.equal(
            Number(requested[1]),
            mocks.one("aws:iam/role:Role", "deploy-prod").inputs.maxSessionDuration,
        );
        assert.equal(
            Number(requested[2]),
            mocks.one("aws:iam/role:Role", "readonly").inputs.maxSessionDuration,
        );
    });

    it("attaches the configured managed policies to each role", async () => {
        const attached = async (config: Record<string, unknown>) => {
            const { mocks } = await bootstrap(config);
            return mocks
                .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map((a) => `${a.inputs.role} ${a.inputs.policyArn}`)
                .sort();
        };
        assert.deepEqual(await attached({}), [
            "orchestration-deploy-dev arn:aws:iam::aws:policy/AdministratorAccess",
            "orchestration-deploy-prod arn:aws:iam::aws:policy/AdministratorAccess",
            "orchestration-deploy-staging arn:aws:iam::aws:policy/AdministratorAccess",
            "orchestration-readonly arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        ]);
        assert.deepEqual(
            await attached({
                [key("environments")]: ["prod"],
                [key("namePrefix")]: "shop",
                [key("deployPolicyArns")]: [
                    "arn:aws:iam::aws:policy/PowerUserAccess",
                    "arn:aws:iam::123456789012:policy/iam-for-eks",
                ],
                [key("readOnlyPolicyArns")]: [
                    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                ],
            }),
            [
                "shop-deploy-prod arn:aws:iam::123456789012:policy/iam-for-eks",
                "shop-deploy-prod arn:aws:iam::aws:policy/PowerUserAccess",
                "shop-readonly arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            ],
        );
    });

    it("gives the read-only role view-only access plus exactly the reads a preview needs, and no data", async () => {
        const { mocks } = await bootstrap();
        const inline = mocks.one("aws:iam/rolePolicy:RolePolicy", "readonly-preview");
        assert.equal(inline.inputs.role, "readonly-id");
        const policy = JSON.parse(inline.inputs.policy) as PolicyDocument;
        assert.deepEqual(policy, previewReadPolicy());
        const actions = policy.Statement.flatMap((st) => st.Action as string[]);
        for (const action of actions) {
            assert.match(action, /^(eks|iam|ec2|kms|logs|ssm):(Describe|Get|List)[A-Za-z*]*$/);
        }
        assert.deepEqual(
            actions.filter((a) => /^(s3|dynamodb|secretsmanager):/.test(a)),
            [],
        );
        // Parameters only under the EKS AMI path.
        const ssm = policy.Statement.filter((st) =>
            (st.Action as string[]).some((a) => a.startsWith("ssm:")),
        );
        assert.deepEqual(
            ssm.map((st) => st.Resource),
            [EKS_AMI_PARAMETERS],
        );
    });

    it("covers every AWS service the prod stack's resources and invokes read", async () => {
        const { mocks } = await evaluateStack("prod");
        // A type's service: aws:<module>/..., and what the remote components hold.
        const REMOTE: Record<string, string[]> = {
            eks: ["eks", "ec2", "iam"],
            awsx: ["ec2"],
        };
        const services = new Set<string>();
        for (const r of mocks.resources) {
            const [pkg, module] = r.type.split(":");
            if (pkg === "aws") {
                services.add(module.split("/")[0]);
            }
            for (const s of REMOTE[pkg] ?? []) {
                services.add(s);
            }
        }
        services.add("ssm"); // the AMI release parameter (EksCluster's node group)
        const covered = new Set(
            previewReadPolicy().Statement.flatMap((st) =>
                (st.Action as string[]).map((a) => a.split(":")[0]),
            ),
        );
        assert.deepEqual(
            [...services].filter((s) => !covered.has(s)),
            [],
        );
        const parameter = amiReleaseParameter("1.35");
        const pattern = new RegExp(
            `^${EKS_AMI_PARAMETERS.split("::parameter")[1].replace(/\*/g, ".*")}$`,
        );
        assert.match(parameter, pattern);
    });

    it("reuses the account's existing GitHub OIDC provider when given one", async () => {
        const existing =
            "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com";
        const { mocks, outputs } = await bootstrap({ [key("existingOidcProviderArn")]: existing });
        assert.equal(mocks.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
        for (const role of mocks.ofType("aws:iam/role:Role")) {
            assert.ok(trustedSubjects(role, existing).length > 0);
        }
        assert.equal(outputs.oidcProviderArn, existing);
    });

    it("creates a versioned, KMS-encrypted, private, TLS-only and protected state bucket when asked", async () => {
        const { mocks, outputs } = await bootstrap({
            [key("createStateBackend")]: true,
            [key("stateBucketName")]: "acme-pulumi-state",
        });
        const bucket = mocks.one("aws:s3/bucket:Bucket");
        const keyRes = mocks.one("aws:kms/key:Key");
        assert.equal(bucket.inputs.bucket, "acme-pulumi-state");
        assert.equal(bucket.protect, true);
        assert.equal(keyRes.protect, true);
        assert.equal(keyRes.inputs.enableKeyRotation, true);
        assert.equal(
            mocks.one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration
                .status,
            "Enabled",
        );
        assert.deepEqual(
            mocks.one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            ).inputs.rules,
            [
                {
                    applyServerSideEncryptionByDefault: {
                        sseAlgorithm: "aws:kms",
                        kmsMasterKeyId: keyRes.state.arn,
                    },
                    bucketKeyEnabled: true,
                },
            ],
        );
        const block = mocks.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        assert.deepEqual(
            [
                block.blockPublicAcls,
                block.blockPublicPolicy,
                block.ignorePublicAcls,
                block.restrictPublicBuckets,
            ],
            [true, true, true, true],
        );
        assert.equal(
            mocks.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule
                .objectOwnership,
            "BucketOwnerEnforced",
        );
        const policy = JSON.parse(mocks.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        assert.deepEqual(policy.Statement, [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::acme-pulumi-state", "arn:aws:s3:::acme-pulumi-state/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
        assert.deepEqual(mocks.one("aws:kms/alias:Alias").inputs, {
            name: "alias/orchestration-pulumi-secrets",
            targetKeyId: keyRes.state.keyId,
        });
        assert.equal(outputs.backendUrl, "s3://acme-pulumi-state?region=us-west-2");
        assert.equal(
            outputs.secretsProvider,
            "awskms://alias/orchestration-pulumi-secrets?region=us-west-2",
        );
        assert.equal(
            outputs.githubVariables.repositoryVariables.PULUMI_BACKEND_URL,
            outputs.backendUrl,
        );
    });

    it("grants the deploy roles write access to the state and the read-only role read access", async () => {
        const { mocks } = await bootstrap({ [key("createStateBackend")]: true });
        const statePolicies = Object.fromEntries(
            mocks
                .ofType("aws:iam/rolePolicy:RolePolicy")
                .filter((p) => p.name.endsWith("-state"))
                .map((p) => [p.inputs.role, JSON.parse(p.inputs.policy)]),
        );
        assert.deepEqual(Object.keys(statePolicies).sort(), [
            "deploy-dev-id",
            "deploy-prod-id",
            "deploy-staging-id",
            "readonly-id",
        ]);
        const bucketArn = mocks.one("aws:s3/bucket:Bucket").state.arn;
        const keyArn = mocks.one("aws:kms/key:Key").state.arn;
        assert.equal(bucketArn, "arn:aws:s3:::pulumi-state-0a1b2c3");
        assert.deepEqual(
            statePolicies["readonly-id"],
            stateAccessPolicy(bucketArn, keyArn, "read"),
        );
        for (const env of ["dev", "staging", "prod"]) {
            assert.deepEqual(
                statePolicies[`deploy-${env}-id`],
                stateAccessPolicy(bucketArn, keyArn, "write"),
            );
        }
    });

    it("outputs the role ARNs and the GitHub variables the workflows read", async () => {
        const { outputs } = await bootstrap();
        const roleArn = (name: string) => `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}-mock`;
        assert.deepEqual(outputs.deployRoleArns, {
            dev: roleArn("deploy-dev"),
            staging: roleArn("deploy-staging"),
            prod: roleArn("deploy-prod"),
        });
        assert.equal(outputs.readOnlyRoleArn, roleArn("readonly"));
        assert.equal(outputs.oidcProviderArn, PROVIDER_ARN);
        assert.deepEqual(outputs.githubVariables, {
            repositoryVariables: { AWS_READONLY_ROLE_ARN: roleArn("readonly") },
            environmentVariables: {
                dev: { AWS_DEPLOY_ROLE_ARN: roleArn("deploy-dev") },
                staging: { AWS_DEPLOY_ROLE_ARN: roleArn("deploy-staging") },
                prod: { AWS_DEPLOY_ROLE_ARN: roleArn("deploy-prod") },
            },
        });
        assert.equal(outputs.githubSetupCommands.length, 4);
        assert.equal(outputs.stateBucket, undefined);

        const workflow = fs.readFileSync(
            path.join(ROOT, ".github", "workflows", "pulumi-stack.yml"),
            "utf8",
        );
        for (const name of ["AWS_READONLY_ROLE_ARN", "AWS_DEPLOY_ROLE_ARN", "PULUMI_BACKEND_URL"]) {
            assert.ok(workflow.includes(`vars.${name}`), `the workflow reads ${name}`);
        }
    });

    it("fails on bad config before registering anything, naming the key and the value", async () => {
        const { mocks, error } = await runBootstrap({
            [key("githubOwner")]: "acme",
            [key("githubRepo")]: "acme/orchestration",
        });
        // The program loads its own copy of bootstrap/settings.ts, so compare by name.
        assert.ok(error instanceof Error && error.name === "BootstrapConfigError", String(error));
        assert.match(
            error.message,
            /githubRepo is the repository name without its owner.*"acme\/orchestration"/,
        );
        assert.deepEqual(mocks.resources, []);
    });
});
