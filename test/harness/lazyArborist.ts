/**
 * Defers `@npmcli/arborist` in the processes that load these mocks outside jest (the gate-scenario children,
 * `node -r ./bin/register.js test/harness/…`), as the planner does (plan/loading.ts): the SDK requires it at
 * import for `computeCodePaths`, which no test calls (~0.3-0.5 s of CPU per process). Under jest the config maps
 * the module instead (jest.config.js); hooking node's loader there would wrap it again for every test file.
 *
 * Imported first by mocks.ts, so that it runs before the SDK is loaded.
 */
if (typeof jest === "undefined") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("../../plan/loading");
}
