// The public API of the component package. Everything else in components/ is internal.
export { ENV_SECRET_UID_ANNOTATION } from "./scalable-service/env";
export { ScalableService, SCALABLE_SERVICE_TYPE } from "./scalable-service/component";
export type {
    AutoscalingArgs,
    ConfigFilesArgs,
    ConfigMapKeyRefEnvValue,
    EnvFromArgs,
    EnvValue,
    HttpProbe,
    ImagePullPolicy,
    IngressArgs,
    IngressNamespaces,
    IngressPath,
    IngressPathType,
    IngressScope,
    KeyRef,
    NetworkPolicyArgs,
    ProbesArgs,
    ResourceQuantities,
    ResourcesArgs,
    ScalableServiceArgs,
    ScalingPolicy,
    ScalingPolicyType,
    SecretEnvValue,
    SecretKeyRefEnvValue,
    SecurityArgs,
    ServiceType,
    ZoneSpread,
} from "./scalable-service/args";
export { DEFAULTS as SCALABLE_SERVICE_DEFAULTS } from "./scalable-service/args";
export { resolveScalableService } from "./scalable-service/config";
export type {
    Resolution,
    ResolvedProbe,
    ResolvedScaling,
    ResolvedService,
} from "./scalable-service/config";
export type { ResolvedEnvFrom, ResolvedEnvVar } from "./scalable-service/env";
export type { ResolvedIngress } from "./scalable-service/ingress";
export type { ResolvedPodExtras } from "./scalable-service/pod";
export {
    ownerLabels,
    ownerLabelValue,
    ownerSelector,
    PROJECT_LABEL,
    STACK_LABEL,
} from "./shared/ownership";
export type { StackOwner } from "./shared/ownership";
export { ValidationError } from "./shared/validation";
export type { ValidationIssue } from "./shared/validation";
