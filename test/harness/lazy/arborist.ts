/**
 * `@npmcli/arborist`, loaded on first use (jest.config.js maps it here): the Pulumi SDK requires it at import,
 * through `__importStar` only, for `computeCodePaths`, which no test calls (plan/loading.ts does the same for the
 * planner).
 */
import { deferredModule } from "../../../plan/deferredModule";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- required on first use, not at import
export = deferredModule(() => require("@npmcli/arborist/lib/index.js"), { esModule: true });
