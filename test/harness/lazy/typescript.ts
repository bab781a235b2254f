/**
 * `typescript`, loaded on first use (jest.config.js maps `typescript` here): the Pulumi SDK requires it at import
 * for closure serialization, jest imports the SDK afresh for every test file, and most files never serialize.
 */
import { deferredModule } from "../../../plan/deferredModule";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, not at import
export = deferredModule(() => require("typescript/lib/typescript.js"));
