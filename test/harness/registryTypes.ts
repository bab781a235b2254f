/** The resource types a ContainerRegistry creates, as the tests look them up in the mock cloud. */
export const REGISTRY = "azure-native:containerregistry:Registry";
export const IMPORT_COMPONENT = "edge-registry:index:ImageImport";
export const IMPORT = "pulumi-nodejs:dynamic/edge-registry:ImageImport";
