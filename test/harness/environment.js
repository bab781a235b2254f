// The suite's jest environment: jest's node environment, plus `typescript` loaded once per worker process.
//
// jest evaluates every module afresh for each test file (its own registry per file), and the Pulumi SDK's
// closure serialization, which every dynamic resource under the mocks goes through, uses `typescript`: 9 MB of
// JavaScript compiled again in each file that creates one (~0.3 s of CPU each time). TypeScript keeps no state
// a test could see, so test/harness/lazy/typescript.ts (what jest.config.js maps `typescript` to) takes it from
// here: required by Node in the worker itself, on first use, and shared by the files the worker runs.
"use strict";
const { TestEnvironment } = require("jest-environment-node");

let typescript;

class EdgeRegistryEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.defineProperty(this.global, "__edgeRegistryWorkerTypescript", {
      value: () => (typescript ??= require("typescript")),
    });
  }
}

module.exports = EdgeRegistryEnvironment;
