/**
 * What a program run under the SDK's mocks (`pulumi.runtime.setMocks`: the planner, plan/index.ts, and the test
 * mocks, test/harness/mocks.ts) does not need from the SDK: stack traces nothing reads. Call each once per
 * process (or jest module registry), after the SDK is loaded and before the program creates resources.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Keeps the SDK from rendering a stack trace for every promise it tracks when nothing will read it.
 *
 * `debuggablePromise` (runtime/debuggable.js) stores `new Error().stack` on each registration's promises; the SDK
 * prints it only for leaked promises under `PULUMI_DEBUG_PROMISE_LEAKS`. Under jest every such stack goes through
 * jest's source-map formatter, which was the largest cost of the in-process component tests (e.g. 1.1 s of
 * test/connectedRegistry.test.ts's 7 s in the test process). Without that variable the stack is captured with no
 * frames; with it, in full as before. Nothing else changes: the same promise is tracked the same way.
 */
export function skipUnreadPromiseStacks(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debugPromiseLeaks: boolean;
    debuggablePromise<T>(promise: Promise<T>, context: unknown): Promise<T>;
  };
  const track = debuggable.debuggablePromise;
  debuggable.debuggablePromise = (promise, context) => {
    if (debuggable.debugPromiseLeaks) {
      return track(promise, context);
    }
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return track(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

/**
 * Keeps the SDK from rendering every resource's whole stack (`Resource.callsites`) for the registration request's
 * `sourcePosition` and `stackTrace`: the mock monitor (runtime/mocks.js) reads neither, and each such stack,
 * unbounded, goes through a source-map formatter (jest's: ~0.3 s of a component test file; the planner's
 * bin/register.js: ~0.2 s of a plan run). The requests the
 * mocks see carry no position; everything they record is unchanged.
 */
export function skipUnreadSourcePositions(): void {
  (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites = () => [];
}
