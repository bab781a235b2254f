/** Shared by test/containerRegistry*.test.ts: the types of ContainerRegistry's registry and its image imports. */
export const REGISTRY = "azure-native:containerregistry:Registry";
export const IMPORT_COMPONENT = "edge-registry:index:ImageImport";
export const IMPORT = "pulumi-nodejs:dynamic/edge-registry:ImageImport";
