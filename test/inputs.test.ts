/** mapInput/mapAll: plain results for known arguments, the same results through apply for unknown ones. */
import { unwrap } from "./harness/mocks";
import * as pulumi from "@pulumi/pulumi";
import { isDeepKnown, mapAll, mapInput } from "../components/lib/inputs";

describe("isDeepKnown", () => {
  it("is true for literals, arrays and plain objects without outputs", () => {
    expect(isDeepKnown(undefined)).toBe(true);
    expect(isDeepKnown({ a: [1, "x", { b: true }] })).toBe(true);
  });

  it("is false when an Output or a Promise hides at any depth", () => {
    expect(isDeepKnown(pulumi.output(1))).toBe(false);
    expect(isDeepKnown({ a: [1, { b: pulumi.output("x") }] })).toBe(false);
    expect(isDeepKnown([Promise.resolve(1)])).toBe(false);
  });
});

describe("mapInput and mapAll", () => {
  const label = ([name, n]: [string, number]) => `${name}-${n}`;

  it("return plain values for known arguments, computed at once", () => {
    expect(mapInput(2, (n) => n * 2)).toBe(4);
    expect(mapAll(["a", 1], label)).toBe("a-1");
    expect(() => mapInput("bad", () => { throw new Error("refused"); })).toThrow("refused"); // prettier-ignore
  });

  it("return outputs with the same value, and keep secrecy, for arguments known later", async () => {
    const doubled = mapInput(pulumi.output(2), (n) => n * 2);
    expect(pulumi.Output.isInstance(doubled)).toBe(true);
    expect(await unwrap(doubled)).toBe(4);
    const secretLabel = mapAll([pulumi.secret("a"), 1], label) as pulumi.Output<string>;
    expect(await unwrap(secretLabel)).toBe("a-1");
    expect(await pulumi.isSecret(secretLabel)).toBe(true);
  });
});
