// The public API of the component package. Everything else in components/ is internal.
export { ScalableService, SCALABLE_SERVICE_TYPE } from "./scalableService";
export type {
    AutoscalingArgs,
    ConfigFilesArgs,
    HttpProbe,
    NetworkPolicyArgs,
    ProbesArgs,
    ResourceQuantities,
    ResourcesArgs,
    ScalableServiceArgs,
    SecurityArgs,
    ServiceType,
} from "./scalableServiceArgs";
export { DEFAULTS as SCALABLE_SERVICE_DEFAULTS } from "./scalableServiceArgs";
export { resolveScalableService } from "./scalableServiceConfig";
export type {
    Resolution,
    ResolvedProbe,
    ResolvedScaling,
    ResolvedService,
} from "./scalableServiceConfig";
export { ValidationError } from "./validation";
export type { ValidationIssue } from "./validation";
