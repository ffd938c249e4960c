import { strict as assert } from "assert";
import { resolveScalableService, SCALABLE_SERVICE_DEFAULTS } from "../components";
import {
    ROLLOUT_WAIT_MARGIN_SECONDS,
    rolloutTimeouts,
    slowestHealthyStart,
} from "../components/scalable-service/rollout";
import { buildDeploymentSpec } from "../components/scalable-service/specs";
import { assertRejected, contractArgs, minimalArgs } from "./fixtures";

/** The rollout's progress deadline and how long `pulumi up` waits for it: pure, no mocks. */
describe("ScalableService rollout deadline (pure)", () => {
    it("defaults the progress deadline to 600 s, Kubernetes' own default, and puts it on the Deployment spec", () => {
        assert.equal(SCALABLE_SERVICE_DEFAULTS.progressDeadlineSeconds, 600);
        const { resolved, warnings } = resolveScalableService("web", contractArgs());
        assert.equal(resolved.progressDeadlineSeconds, 600);
        assert.deepEqual(warnings, []);
        assert.equal(buildDeploymentSpec(resolved).progressDeadlineSeconds, 600);
    });

    it("takes a progress deadline the user sets", () => {
        const { resolved } = resolveScalableService("web", {
            ...minimalArgs(),
            progressDeadlineSeconds: 20,
        });
        assert.equal(resolved.progressDeadlineSeconds, 20);
        assert.equal(buildDeploymentSpec(resolved).progressDeadlineSeconds, 20);
    });

    it("waits for the Deployment's create and update the deadline plus a 30 s margin, and sets no delete timeout", () => {
        assert.equal(ROLLOUT_WAIT_MARGIN_SECONDS, 30);
        assert.deepEqual(rolloutTimeouts(600), { create: "630s", update: "630s" });
        assert.deepEqual(rolloutTimeouts(20), { create: "50s", update: "50s" });
    });

    it("rejects a deadline that is not an integer from 1 to 86400, naming the field and the value", () => {
        for (const bad of [0, -5, 1.5, 86401]) {
            assertRejected(
                "web",
                { progressDeadlineSeconds: bad },
                `'progressDeadlineSeconds' (${bad}) must be an integer from 1 to 86400`,
            );
        }
        assertRejected(
            "web",
            { progressDeadlineSeconds: "600" as unknown as number },
            `'progressDeadlineSeconds' ("600") must be an integer from 1 to 86400`,
        );
    });

    it("computes how long a healthy pod may take to become ready: the startup budget, then one readiness period", () => {
        const probe = { path: "/", port: 80, timeoutSeconds: 1 };
        assert.equal(slowestHealthyStart({}), 0);
        assert.equal(
            slowestHealthyStart({
                readiness: {
                    ...probe,
                    initialDelaySeconds: 2,
                    periodSeconds: 5,
                    failureThreshold: 3,
                },
            }),
            7,
        );
        assert.equal(
            slowestHealthyStart({
                startup: {
                    ...probe,
                    initialDelaySeconds: 10,
                    periodSeconds: 5,
                    failureThreshold: 30,
                },
                readiness: {
                    ...probe,
                    initialDelaySeconds: 0,
                    periodSeconds: 5,
                    failureThreshold: 3,
                },
            }),
            165,
        );
    });

    it("warns, without failing, when the deadline is not longer than the probes let a healthy pod start", () => {
        // contractArgs' startup probe: 5 s × 30 failures, then readiness's 5 s period.
        const { resolved, warnings } = resolveScalableService("web", {
            ...contractArgs(),
            progressDeadlineSeconds: 155,
        });
        assert.equal(resolved.progressDeadlineSeconds, 155);
        assert.equal(warnings.length, 1);
        assert.ok(
            warnings[0].startsWith(
                "'progressDeadlineSeconds' (155) is not longer than a healthy pod may take to become ready under its probes (155 s",
            ),
            warnings[0],
        );
        const longer = resolveScalableService("web", {
            ...contractArgs(),
            progressDeadlineSeconds: 156,
        });
        assert.deepEqual(longer.warnings, []);
    });
});
