// The test kit: recording mocks with realistic state for Kubernetes, EKS and awsx resources.
export { installMocks, settleRegistrations, valueOf } from "./mocks";
export type { InstallMocksOptions } from "./mocks";
export { ResourceRecorder } from "./recorder";
export type { RecordedResource } from "./recorder";
export { SDK_VERSION, SdkShapeError } from "./sdk";
export {
    MOCK_ACCOUNT,
    MOCK_REGION,
    mockCall,
    mockState,
    registerMockCall,
    registerMockState,
} from "./state";
export type { CallFn, State, StateFn } from "./state";
