/** Shared by test/nodeRegistryTrust*.test.ts: the types of NodeRegistryTrust's two children. */
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const DAEMON_SET = "kubernetes:apps/v1:DaemonSet";
