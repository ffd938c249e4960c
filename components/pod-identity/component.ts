import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    PodIdentityRoleArgs,
    podIdentityTrustPolicy,
    resolvePodIdentityRole,
    ResolvedPodIdentityRole,
} from "./config";

/** The component's type token. */
export const POD_IDENTITY_ROLE_TYPE = "orchestration:index:PodIdentityRole";

/**
 * AWS permissions for the pods of one ServiceAccount, through EKS Pod Identity:
 * an IAM role trusted by `pods.eks.amazonaws.com` (AssumeRole and TagSession)
 * for that cluster, namespace and ServiceAccount only (`podIdentityTrustPolicy`),
 * the named managed policies attached to it, and an
 * `aws.eks.PodIdentityAssociation` that binds it to the ServiceAccount.
 *
 * The EKS Pod Identity webhook gives a pod its credentials when the pod is
 * created, so create this before the pods: pass it in the ScalableService's
 * `dependsOn`. The cluster needs the Pod Identity agent add-on, which
 * `EksCluster` installs.
 */
export class PodIdentityRole extends pulumi.ComponentResource {
    /** The resolved settings. */
    readonly settings: ResolvedPodIdentityRole;
    /** The IAM role the pods assume. */
    readonly role: aws.iam.Role;
    /** One attachment per policy ARN, in the order given. */
    readonly attachments: aws.iam.RolePolicyAttachment[];
    /** The association of the role with the ServiceAccount. */
    readonly association: aws.eks.PodIdentityAssociation;
    /** The role's ARN. */
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = resolvePodIdentityRole(name, args);
        super(POD_IDENTITY_ROLE_TYPE, name, {}, opts);
        this.settings = settings;
        const parent = { parent: this };
        const tags = settings.tags;

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                // Only this association's cluster, namespace and ServiceAccount.
                assumeRolePolicy: pulumi.output(settings.clusterName).apply((clusterName) =>
                    podIdentityTrustPolicy({
                        clusterName,
                        namespace: settings.namespace,
                        serviceAccount: settings.serviceAccountName,
                    }),
                ),
                description: `EKS Pod Identity for ${settings.namespace}/${settings.serviceAccountName}`,
                tags,
            },
            parent,
        );
        this.attachments = settings.policyArns.map(
            (policyArn, i) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-policy-${i}`,
                    { role: this.role.name, policyArn },
                    parent,
                ),
        );
        // After the attachments, so a pod never gets a role without its permissions.
        this.association = new aws.eks.PodIdentityAssociation(
            `${name}-association`,
            {
                clusterName: settings.clusterName,
                namespace: settings.namespace,
                serviceAccount: settings.serviceAccountName,
                roleArn: this.role.arn,
                tags,
            },
            { parent: this, dependsOn: this.attachments },
        );
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
