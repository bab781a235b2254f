/**
 * `typescript`, loaded on first use (jest.config.js maps `typescript` here): the Pulumi SDK requires it at import
 * for closure serialization, jest imports the SDK afresh for every test file, and most files never serialize.
 * When they do, the worker's one copy serves them (test/harness/environment.js).
 */
import { deferredModule } from "../../../plan/deferredModule";

declare const __edgeRegistryWorkerTypescript: (() => object) | undefined;

export = deferredModule(() =>
  typeof __edgeRegistryWorkerTypescript === "function"
    ? __edgeRegistryWorkerTypescript()
    : // eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, not at import
      require("typescript/lib/typescript.js"),
);
