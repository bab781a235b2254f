/** Jest: swc transform (no type checking here: `npm run typecheck` does that), one project for all tests. */
module.exports = {
  // jest's node environment, plus one `typescript` per worker (test/harness/environment.js).
  testEnvironment: "<rootDir>/test/harness/environment.js",
  // The Pulumi SDK keeps its runtime state on a global store that its last promises still read after a file's
  // tests end; jest's soft-deletion of globals between files only produces warnings about it.
  testEnvironmentOptions: { globalsCleanup: "off" },
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The plugin install (npm install from the registry, minutes) runs on its own: `npm run test:install`, which
  // `npm test` runs after the rest.
  testPathIgnorePatterns: ["/node_modules/", "/test/pluginInstall.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  moduleNameMapper: {
    "^edge-registry$": "<rootDir>/index.ts",
    // Loaded on first use (plan/deferredModule.ts): the Pulumi SDK requires both when it is imported,
    // jest imports the SDK afresh for every test file, and most files never use them (~0.45 s of CPU per file).
    "^typescript$": "<rootDir>/test/harness/lazy/typescript.ts",
    "^@npmcli/arborist$": "<rootDir>/test/harness/lazy/arborist.ts",
  },
  // Three workers on two cores: many files wait on the child processes they start (plan tool, login children,
  // dynamic-provider and plugin processes), and a third worker keeps the cores busy meanwhile (BENCHMARKS.md
  // "Test suite": 333 s with 2 workers, 282 s with 3, same machine, same day).
  maxWorkers: 3,
  testTimeout: 60000,
};
