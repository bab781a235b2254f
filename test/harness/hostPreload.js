// Preload of the hosts the tests start (`cmd/dynamic-provider`, the plugin through `cmd/run-plugin`; see
// test/harness/dynamicProvider.ts and grpcPlugin.ts): the SDK's requires of `typescript` and
// `@npmcli/arborist` at import load on first use instead (plan/deferredModule.js). Each host start cost ~0.7 s
// of CPU for the two, and the suite starts a few dozen; a host that uses either (the plugin's component analyzer,
// closure serialization) still loads it, at that point. Nothing else about the host changes.
"use strict";
require("../../plan/deferredModule").deferSdkRequires(["typescript", "@npmcli/arborist"]);
