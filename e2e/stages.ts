import * as fs from "fs";
import * as path from "path";

/**
 * KWOK stages (kwok v0.8.0's Stage API) that play a kubelet whose container
 * never becomes ready, for pods that run one of {@link FAULT_IMAGES} and no
 * other pod. kwokctl passes the file to the kwok controller as a second
 * `--config` (a `componentsPatches` entry), beside its own config with the
 * default stages: a Stage in the kwokctl config itself would replace those.
 *
 * Each stage has a weight, so it wins over the default `pod-ready` stage (weight
 * 0) whenever both match, and it matches a marked pod for as long as it lives
 * (deletion aside), so `pod-ready` never gets it; it plays {@link FAULT_DELAY_MS}
 * after it matches. Its status uses only the pod's creation time, so playing it
 * again changes nothing and loops nowhere.
 */

/** Images no pod really runs: a pod running one never becomes ready, for the reason named. */
export const FAULT_IMAGES = {
    imagePullBackOff: "kwok-stage/image-pull-backoff:1",
    crashLoopBackOff: "kwok-stage/crash-loop-backoff:1",
} as const;

/**
 * Milliseconds from a pod's creation to its fault status, as a kubelet first
 * creates the container. It matters to the provider: its Deployment await
 * keeps only the pods whose events arrive once it knows their ReplicaSet, so a
 * pod whose only status update came first would be missing from its error. A
 * real kubelet keeps updating such a pod (each pull retry, each restart); this
 * stage updates it once.
 */
export const FAULT_DELAY_MS = 5000;

/** The waiting reason each fault image's container reports. */
export type FaultReason = "ImagePullBackOff" | "CrashLoopBackOff";

const REASONS: Record<keyof typeof FAULT_IMAGES, FaultReason> = {
    imagePullBackOff: "ImagePullBackOff",
    crashLoopBackOff: "CrashLoopBackOff",
};

/** A container's status as the kubelet reports `reason` (Go template, per container `$c`). */
function waitingStatus(reason: FaultReason): string {
    return reason === "ImagePullBackOff"
        ? `    state:
      waiting:
        reason: ImagePullBackOff
        message: {{ printf "Back-off pulling image %q" $c.image | Quote }}`
        : `    restartCount: 5
    lastState:
      terminated:
        exitCode: 1
        reason: Error
        startedAt: {{ $at | Quote }}
        finishedAt: {{ $at | Quote }}
    state:
      waiting:
        reason: CrashLoopBackOff
        message: {{ printf "back-off 2m40s restarting failed container=%s pod=%s_%s(%s)" $c.name $.metadata.name $.metadata.namespace $.metadata.uid | Quote }}`;
}

/**
 * The Stage for one fault image: every container of the pod waits for `reason`,
 * and the pod is not Ready (ContainersNotReady), worded as the kubelet words it.
 */
function faultStage(key: keyof typeof FAULT_IMAGES): string {
    const image = FAULT_IMAGES[key];
    const reason = REASONS[key];
    const phase = reason === "ImagePullBackOff" ? "Pending" : "Running";
    return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: e2e-${reason.toLowerCase()}
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: DoesNotExist
    - key: '.spec.containers.[].image'
      operator: In
      values: [${JSON.stringify(image)}]
  weight: 1
  delay:
    durationMilliseconds: ${FAULT_DELAY_MS}
  next:
    statusTemplate: |
      {{ $at := .metadata.creationTimestamp }}
      conditions:
      - type: Initialized
        status: "True"
        lastTransitionTime: {{ $at | Quote }}
      - type: Ready
        status: "False"
        reason: ContainersNotReady
        message: "containers with unready status: [{{ range $i, $c := .spec.containers }}{{ if $i }} {{ end }}{{ $c.name }}{{ end }}]"
        lastTransitionTime: {{ $at | Quote }}
      - type: ContainersReady
        status: "False"
        reason: ContainersNotReady
        lastTransitionTime: {{ $at | Quote }}
      containerStatuses:
      {{ range $c := .spec.containers }}
      - name: {{ $c.name | Quote }}
        image: {{ $c.image | Quote }}
        ready: false
        started: false
${indent(waitingStatus(reason), 4)}
      {{ end }}
      phase: ${phase}
      startTime: {{ $at | Quote }}
`;
}

function indent(text: string, spaces: number): string {
    return text
        .split("\n")
        .map((line) => " ".repeat(spaces) + line)
        .join("\n");
}

/** Writes the fault stages into `dir` and returns the file's path. */
export function writeFaultStages(dir: string): string {
    const file = path.join(dir, "fault-stages.yaml");
    const keys = Object.keys(FAULT_IMAGES) as (keyof typeof FAULT_IMAGES)[];
    fs.writeFileSync(file, keys.map(faultStage).join("---\n"));
    return file;
}
