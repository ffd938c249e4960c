// The public API of the component package. Everything else in components/ is internal.
export { ENV_SECRET_UID_ANNOTATION } from "./scalableServiceEnv";
export { ScalableService, SCALABLE_SERVICE_TYPE } from "./scalableService";
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
} from "./scalableServiceArgs";
export { DEFAULTS as SCALABLE_SERVICE_DEFAULTS } from "./scalableServiceArgs";
export { resolveScalableService } from "./scalableServiceConfig";
export type {
    Resolution,
    ResolvedProbe,
    ResolvedScaling,
    ResolvedService,
} from "./scalableServiceConfig";
export type { ResolvedEnvFrom, ResolvedEnvVar } from "./scalableServiceEnv";
export type { ResolvedIngress } from "./scalableServiceIngress";
export type { ResolvedPodExtras } from "./scalableServicePod";
export { ValidationError } from "./validation";
export type { ValidationIssue } from "./validation";
