import * as pulumi from "@pulumi/pulumi";
import { IssueCollector, isDns1123Label, isDns1123Subdomain } from "../shared/validation";

/**
 * The arguments, validation and trust policy of `PodIdentityRole`. Pure: no
 * resources, so it is tested without mocks.
 */

/** Arguments of `PodIdentityRole`. */
export interface PodIdentityRoleArgs {
    /** The EKS cluster's name, such as `EksCluster.clusterName`. */
    clusterName: pulumi.Input<string>;
    /** The namespace of the ServiceAccount, such as the ScalableService's `namespace`. */
    namespace: string;
    /**
     * The ServiceAccount the pods run as. A ScalableService's dedicated one is named
     * after its `serviceName` (by default the component's name).
     */
    serviceAccountName: string;
    /**
     * ARNs of the IAM managed policies the pods get, AWS-managed
     * (`arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`) or your own. At least one.
     */
    policyArns: pulumi.Input<string>[];
    /**
     * Tags on the IAM role and the association.
     * @default none
     */
    tags?: Record<string, string>;
}

/** Validated `PodIdentityRoleArgs`. */
export interface ResolvedPodIdentityRole {
    /** The cluster's name. */
    clusterName: pulumi.Input<string>;
    /** The ServiceAccount's namespace. */
    namespace: string;
    /** The ServiceAccount's name. */
    serviceAccountName: string;
    /** The policy ARNs, in the order given. */
    policyArns: pulumi.Input<string>[];
    /** Tags on the role and the association. */
    tags: Record<string, string>;
}

/** The service principal of EKS Pod Identity. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** A managed policy ARN: `arn:<partition>:iam::<aws or account>:policy/<path/name>`. */
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;

/** Who may use a Pod Identity role: one ServiceAccount of one cluster. */
export interface PodIdentityScope {
    /** The EKS cluster's name. */
    clusterName: string;
    /** The ServiceAccount's namespace. */
    namespace: string;
    /** The ServiceAccount's name. */
    serviceAccount: string;
}

/**
 * The role's trust policy: EKS Pod Identity assumes the role
 * (`sts:AssumeRole`) and tags the session (`sts:TagSession`) with the
 * cluster, namespace and ServiceAccount of the pod it serves. The trust
 * policy accepts only the session tags of `scope`, as the EKS user guide's
 * Pod Identity role page shows for the namespace and ServiceAccount, so an
 * association made elsewhere in the account (another cluster, namespace or
 * ServiceAccount) gets no credentials from this role.
 *
 * There is no `aws:SourceAccount` or `aws:SourceArn` condition: AWS documents
 * those against the confused deputy for the EKS cluster role
 * (`eks.amazonaws.com`), not for `pods.eks.amazonaws.com`, and a condition on
 * a key the request doesn't carry denies every request. The session tags are
 * what AWS documents for this principal; they are sent unless the
 * association disables session tags, which `PodIdentityRole` never does.
 */
export function podIdentityTrustPolicy(scope: PodIdentityScope): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: POD_IDENTITY_PRINCIPAL },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:RequestTag/eks-cluster-name": scope.clusterName,
                        "aws:RequestTag/kubernetes-namespace": scope.namespace,
                        "aws:RequestTag/kubernetes-service-account": scope.serviceAccount,
                    },
                },
            },
        ],
    });
}

/** Validates `args` for the role named `name`; throws one ValidationError listing every problem. */
export function resolvePodIdentityRole(
    name: string,
    args: PodIdentityRoleArgs,
): ResolvedPodIdentityRole {
    const issues = new IssueCollector();
    issues.check(
        isDns1123Label(args.namespace),
        "namespace",
        args.namespace,
        "must be a namespace name (a DNS-1123 label)",
    );
    issues.check(
        isDns1123Subdomain(args.serviceAccountName),
        "serviceAccountName",
        args.serviceAccountName,
        "must be a ServiceAccount name (a DNS-1123 subdomain)",
    );
    const arns = Array.isArray(args.policyArns) ? args.policyArns : [];
    issues.check(
        arns.length > 0,
        "policyArns",
        args.policyArns,
        "must list at least one managed policy ARN: a role with no policy grants nothing",
    );
    arns.forEach((arn, i) => {
        // An Output (a policy this program creates) is checked by AWS instead.
        if (typeof arn === "string") {
            issues.check(
                POLICY_ARN.test(arn),
                `policyArns[${i}]`,
                arn,
                "must be a managed policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            );
            issues.check(arns.indexOf(arn) === i, `policyArns[${i}]`, arn, "is listed twice");
        }
    });
    issues.throwIfAny(`PodIdentityRole "${name}"`);
    return {
        clusterName: args.clusterName,
        namespace: args.namespace,
        serviceAccountName: args.serviceAccountName,
        policyArns: [...arns],
        tags: { ...(args.tags ?? {}) },
    };
}
