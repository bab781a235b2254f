/** Jest: swc transform (no type checking here: `npm run typecheck` does that), one project for all tests. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  moduleNameMapper: {
    "^edge-registry$": "<rootDir>/index.ts",
  },
  maxWorkers: 2,
  testTimeout: 60000,
};
