/**
 * The two default connected registry names, one function each in lib/connectedRegistryChecks.ts: the
 * component's (the resource name's letters and digits, refused when not valid) and the site's (always valid).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  checkConnectedRegistryName,
  defaultConnectedRegistryName,
  siteConnectedRegistryName,
} from "../components/lib/connectedRegistryChecks";

describe("defaultConnectedRegistryName (ConnectedRegistry)", () => {
  it("keeps the resource name's letters and digits", () => {
    expect(defaultConnectedRegistryName("my-edge_01")).toBe("myedge01");
    expect(defaultConnectedRegistryName("MyConnectedRegistry")).toBe("MyConnectedRegistry");
  });

  it.each(["cr-1", "x".repeat(51), "---"])("refuses %s, naming connectedRegistryName", (name) => {
    let error: unknown;
    try {
      defaultConnectedRegistryName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pulumi.InputPropertyError);
    expect((error as pulumi.InputPropertyError).propertyPath).toBe("connectedRegistryName");
    expect((error as Error).message).toContain("set connectedRegistryName to 5-50 letters and digits");
  });
});

describe("siteConnectedRegistryName (EdgeRegistrySite)", () => {
  it.each([
    ["my-site", "mysite"],
    ["1-site", "edge1site"],
    ["ab", "abedge"],
    ["", "edgeedge"],
    ["x".repeat(60), "x".repeat(40)],
  ])("derives %j as %j", (site, expected) => {
    expect(siteConnectedRegistryName(site)).toBe(expected);
  });

  it.each(["a", "9", "é-ü", "site.with.dots", "-".repeat(70), "7".repeat(70)])(
    "gives a valid connected registry name for %j",
    (site) => {
      expect(checkConnectedRegistryName(siteConnectedRegistryName(site))).toBeUndefined();
    },
  );
});
