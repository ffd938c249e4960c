// The test kit: recording mocks with realistic state for Kubernetes, EKS and awsx resources.
export { installMocks, ResourceRecorder, settleRegistrations, valueOf } from "./recorder";
export type { InstallMocksOptions, RecordedResource } from "./recorder";
export {
    MOCK_ACCOUNT,
    MOCK_REGION,
    mockCall,
    mockState,
    registerMockCall,
    registerMockState,
} from "./state";
export type { CallFn, State, StateFn } from "./state";
