/** Scope-map actions against the az CLI behaviour written down in platform-facts §1. */
import { repositoryScopeActions, syncScopeMapActions } from "../components/lib/scopeMapActions";
import { checkCron, checkNotification, durationSeconds } from "../components/lib/connectedRegistryChecks";

it("builds the platform-facts §1 example exactly (myconnectedregistry, hello-world, ReadOnly)", () => {
  expect(syncScopeMapActions("myconnectedregistry", "ReadOnly", ["hello-world"])).toEqual([
    "repositories/hello-world/content/read",
    "repositories/hello-world/metadata/read",
    "gateway/myconnectedregistry/config/read",
    "gateway/myconnectedregistry/config/write",
    "gateway/myconnectedregistry/message/read",
    "gateway/myconnectedregistry/message/write",
  ]);
});

it("gives ReadWrite 5 actions per repository and lowercases repository and gateway names", () => {
  const actions = syncScopeMapActions("MyEdge01", "ReadWrite", ["A/B", "c"]);
  expect(actions).toHaveLength(2 * 5 + 4);
  expect(actions.slice(0, 5)).toEqual([
    "repositories/a/b/content/read",
    "repositories/a/b/content/write",
    "repositories/a/b/content/delete",
    "repositories/a/b/metadata/read",
    "repositories/a/b/metadata/write",
  ]);
  expect(actions.slice(-4)[0]).toBe("gateway/myedge01/config/read");
});

it("adds each descendant's repository and gateway actions once, after the node's own (az's union)", () => {
  const actions = syncScopeMapActions(
    "parent01",
    "ReadWrite",
    ["hello-world"],
    [
      { name: "Child01", mode: "ReadOnly", repositories: ["Hello-World"] },
      { name: "grandchild01", mode: "ReadOnly", repositories: ["hello-world"] },
    ],
  );
  expect(actions).toEqual([
    ...syncScopeMapActions("parent01", "ReadWrite", ["hello-world"]),
    "gateway/child01/config/read",
    "gateway/child01/config/write",
    "gateway/child01/message/read",
    "gateway/child01/message/write",
    "gateway/grandchild01/config/read",
    "gateway/grandchild01/config/write",
    "gateway/grandchild01/message/read",
    "gateway/grandchild01/message/write",
  ]);
});

it("builds client actions for the given repositories and actions only", () => {
  expect(repositoryScopeActions(["x", "y"], ["content/read"])).toEqual([
    "repositories/x/content/read",
    "repositories/y/content/read",
  ]);
});

it("parses ISO 8601 durations and cron schedules like the service", () => {
  expect(durationSeconds("PT3H")).toBe(3 * 3600);
  expect(durationSeconds("P7D")).toBe(7 * 86400);
  expect(durationSeconds("P1DT12H")).toBe(86400 + 12 * 3600);
  expect(durationSeconds("P")).toBeUndefined();
  expect(durationSeconds("PT")).toBeUndefined();
  expect(durationSeconds("3H")).toBeUndefined();
  for (const ok of ["* * * * *", "0 9 * * *", "*/15 0-6,22-23 1 1-12 0-6"]) {
    expect(checkCron(ok)).toBeUndefined();
  }
  for (const bad of ["* * * *", "60 * * * *", "0 9 * * 7", "5-1 * * * *", "*/0 * * * *", "@daily"]) {
    expect(checkCron(bad)).toContain("is not a valid cron schedule");
  }
});

it("accepts the notification patterns of the REST examples and Terraform azurerm", () => {
  for (const ok of [
    "hello-world:*:*",
    "sample/repo/*:1.0:*",
    "hello-world:push",
    "app@sha256:abc123:delete",
    "*:*:*",
  ]) {
    expect(checkNotification(ok)).toBeUndefined();
  }
  for (const bad of ["hello-world", "hello-world:latest", "hello-world:*:pull", "Hello World:*:*", "a:b:c:push"]) {
    expect(checkNotification(bad)).toContain("is not a notification pattern");
  }
});
