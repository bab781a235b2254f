// The package entry: every component and its Args. Type tokens are `edge-registry:index:<Class>`.
export * from "./registryCertificate";
export * from "./connectedRegistryExtension";
