// The CrossGuard policy pack: `pulumi preview --policy-pack ./policy`. Tests import `./policies` instead
// (constructing a PolicyPack starts the analyzer's gRPC server).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("edge-registry", {
  description:
    "Secure defaults for ACR connected registries on Arc-enabled Kubernetes and for workloads pulling from them.",
  displayName: "edge-registry",
  provider: "azure-native",
  tags: ["azure", "acr", "kubernetes", "security"],
  policies,
});
