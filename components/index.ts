// The package entry: every component and its Args. Type tokens are `edge-registry:index:<Class>`.
export * from "./connectedRegistry";
export * from "./connectedRegistryExtension";
export * from "./connectedRegistryTree";
export * from "./containerRegistry";
export * from "./edgeRegistrySite";
export * from "./imageImport";
export * from "./nodeRegistryTrust";
export * from "./registryCertificate";
export * from "./registryPullSecret";
export * from "./registryServicePrincipal";
export * from "./registryWorkload";
export * from "./tanzuRegistryTrust";
// Argument types defined in helper modules.
export type { ResourceTimeouts, StatefulResourceOptions } from "./lib/childOptions";
export type { ProbeHttpGetAction, ProbeTcpSocketAction, WorkloadProbe } from "./lib/workloadPod";
