import { strict as assert } from "assert";
import { resolveScalableService, ScalableServiceArgs } from "../components";
import {
    buildDeploymentSpec,
    buildHpaSpec,
    buildServiceAccountMetadata,
} from "../components/scalable-service/specs";
import { assertRejected, contractArgs, minimalArgs } from "./fixtures";

const resolve = (extra: Partial<ScalableServiceArgs>) =>
    resolveScalableService("api", { ...minimalArgs(), ...extra });
const pod = (extra: Partial<ScalableServiceArgs>) =>
    (buildDeploymentSpec(resolve(extra).resolved) as any).template;

function rejects(extra: Partial<ScalableServiceArgs>, ...fragments: string[]): void {
    assertRejected("api", extra, ...fragments);
}

describe("pod labels, annotations, pull secrets, zone spread, scale-up (pure)", () => {
    it("puts podLabels and podAnnotations on the pod template only, under the selector", () => {
        const extra = {
            labels: { team: "payments" },
            podLabels: { "sidecar.istio.io/inject": "true", team: "checkout" },
            podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9898" },
        };
        const template = pod(extra);
        assert.deepEqual(template.metadata, {
            labels: {
                team: "checkout",
                "app.kubernetes.io/name": "api",
                "app.kubernetes.io/managed-by": "pulumi",
                "sidecar.istio.io/inject": "true",
            },
            annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "9898" },
        });
        const spec = buildDeploymentSpec(resolve(extra).resolved) as any;
        assert.deepEqual(spec.selector.matchLabels, { "app.kubernetes.io/name": "api" });
    });

    it("refuses pod labels that would take over the selector or the controller's hash", () => {
        rejects(
            { podLabels: { "app.kubernetes.io/name": "other", "pod-template-hash": "x" } },
            `'podLabels.app.kubernetes.io/name' ("other") is reserved: the component sets it to 'serviceName'`,
            `'podLabels.pod-template-hash' ("x") is reserved: the Deployment controller sets it`,
        );
    });

    it("refuses malformed pod labels and annotations, and the reserved env-secret/uid annotation", () => {
        rejects(
            {
                podLabels: { "bad key!": "x", ok: "not valid!" },
                podAnnotations: { "env-secret/uid": "abc", n: 5 as never },
            },
            `'podLabels.bad key!' ("bad key!") is not a valid key`,
            `'podLabels.ok' ("not valid!") is not a valid label value`,
            `'podAnnotations.env-secret/uid' ("abc") is reserved`,
            `'podAnnotations.n' (5) must be a string`,
        );
    });

    it("lists imagePullSecrets on the pod, and none by default", () => {
        assert.deepEqual(pod({ imagePullSecrets: ["ghcr", "quay"] }).spec.imagePullSecrets, [
            { name: "ghcr" },
            { name: "quay" },
        ]);
        assert.equal("imagePullSecrets" in pod({}).spec, false);
        rejects(
            { imagePullSecrets: ["Bad_Name", "ok", "ok"] },
            `'imagePullSecrets[0]' ("Bad_Name") must be a Secret name`,
            `'imagePullSecrets[2]' ("ok") is listed twice`,
        );
    });

    it("keeps the zone spread soft by default, and makes it hard on request, honouring taints", () => {
        const soft = pod({}).spec.topologySpreadConstraints;
        assert.equal(soft[0].whenUnsatisfiable, "ScheduleAnyway");
        assert.equal("nodeTaintsPolicy" in soft[0], false);
        const hard = pod({ zoneSpread: "hard" }).spec.topologySpreadConstraints;
        assert.deepEqual(hard[0], {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            nodeTaintsPolicy: "Honor",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
            matchLabelKeys: ["pod-template-hash"],
        });
        assert.equal(hard[1].topologyKey, "kubernetes.io/hostname");
        assert.equal(hard[1].whenUnsatisfiable, "ScheduleAnyway", "node spread stays soft");
        rejects(
            { zoneSpread: "strict" as never },
            `'zoneSpread' ("strict") must be "soft" or "hard"`,
        );
    });

    it("warns that a hard zone spread of one replica survives no zone outage", () => {
        const { warnings } = resolve({
            zoneSpread: "hard",
            autoscaling: { minReplicas: 1, maxReplicas: 3 },
        });
        assert.deepEqual(warnings, [
            `'zoneSpread' ("hard") with as few as 1 replica can't survive a zone outage: raise the minimum replica count to at least 2.`,
        ]);
        assert.deepEqual(resolve({ zoneSpread: "hard" }).warnings, []);
    });

    it("takes HPA scale-up policies and stabilization, beside the scale-down window", () => {
        const svc = resolve({
            autoscaling: {
                scaleUpStabilizationSeconds: 60,
                scaleUpPolicies: [{ type: "Pods", value: 2, periodSeconds: 60 }],
            },
        }).resolved;
        const hpa = buildHpaSpec(svc, "api") as any;
        assert.deepEqual(hpa.behavior.scaleUp, {
            stabilizationWindowSeconds: 60,
            selectPolicy: "Max",
            policies: [{ type: "Pods", value: 2, periodSeconds: 60 }],
        });
        assert.equal(hpa.behavior.scaleDown.stabilizationWindowSeconds, 300);
        rejects(
            {
                autoscaling: {
                    scaleUpStabilizationSeconds: -1,
                    scaleUpPolicies: [{ type: "Nodes" as never, value: 0, periodSeconds: 3600 }],
                },
            },
            `'autoscaling.scaleUpStabilizationSeconds' (-1) must be an integer from 0 to 3600`,
            `'autoscaling.scaleUpPolicies[0].type' ("Nodes") must be "Pods" or "Percent"`,
            `'autoscaling.scaleUpPolicies[0].value' (0) must be an integer from 1 to 10000`,
            `'autoscaling.scaleUpPolicies[0].periodSeconds' (3600) must be an integer from 1 to 1800`,
        );
        rejects(
            { autoscaling: { scaleUpPolicies: [] } },
            `'autoscaling.scaleUpPolicies' ([]) must list at least one policy`,
        );
    });

    it("annotates the dedicated ServiceAccount for IRSA, and refuses that for an existing one", () => {
        const arn = "arn:aws:iam::123456789012:role/orders";
        const svc = resolve({ serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": arn } });
        assert.deepEqual(buildServiceAccountMetadata(svc.resolved).annotations, {
            "eks.amazonaws.com/role-arn": arn,
        });
        assert.equal(buildServiceAccountMetadata(resolve({}).resolved).annotations, undefined);
        rejects(
            {
                ...contractArgs(),
                serviceAccountName: "shared",
                serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": arn },
            },
            `'serviceAccountAnnotations' (["eks.amazonaws.com/role-arn"]) can't be set with 'serviceAccountName' ("shared")`,
        );
    });
});
