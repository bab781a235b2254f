/**
 * The plugin's protocol helpers: secrets as the engine sends them (wrapped, possibly nested) become plain
 * values for the operations, and what the plugin returns is wrapped again where it must stay secret.
 */
import { typeOfUrn } from "../provider/engine";
import { isSecretValue, secretValue, unwrapProperties, wrapProperties } from "../provider/wire";

const sig = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [sig]: "1b47061264138c4ac30d75fd1eb44270", value });

describe("unwrapProperties", () => {
  it("removes every wrapper, deeply, and names the properties that held a secret", () => {
    const { plain, secrets } = unwrapProperties({
      tokenId: "id",
      extension: { clusterName: secret("c"), keep: "k" },
      targetTags: [secret("a:1"), "b:2"],
      value: secret(secret("p")),
    });
    expect(plain).toEqual({
      tokenId: "id",
      extension: { clusterName: "c", keep: "k" },
      targetTags: ["a:1", "b:2"],
      value: "p",
    });
    expect([...secrets].sort()).toEqual(["extension", "targetTags", "value"]);
  });

  it("treats a missing struct as empty", () => {
    expect(unwrapProperties(undefined)).toEqual({ plain: {}, secrets: new Set() });
  });
});

describe("wrapProperties", () => {
  it("wraps the named properties once, leaves the others, and drops undefined members", () => {
    const wire = wrapProperties(
      {
        value: "p",
        again: secretValue("q"),
        username: "u",
        creationTime: undefined,
        digests: { a: "1", b: undefined },
      },
      new Set(["value", "again"]),
    );
    expect(wire).toEqual({ value: secret("p"), again: secret("q"), username: "u", digests: { a: "1" } });
    expect(isSecretValue(wire.value)).toBe(true);
    expect(isSecretValue(wire.username)).toBe(false);
  });
});

describe("typeOfUrn", () => {
  it("is the resource's own type, after its parents' types", () => {
    expect(
      typeOfUrn(
        "urn:pulumi:dev::p::edge-registry:index:ConnectedRegistry$edge-registry:index:TokenPassword::site-sync-password",
      ),
    ).toBe("edge-registry:index:TokenPassword");
    expect(typeOfUrn("urn:pulumi:dev::p::edge-registry:index:TokenPassword::x")).toBe(
      "edge-registry:index:TokenPassword",
    );
  });
});
