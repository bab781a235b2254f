/**
 * `EdgeRegistrySite`'s defaults (the quickstart's hello-world image when the site creates its registry and keeps the
 * default repositories) and what its cluster side needs of its cloud side. The Args stay in edgeRegistrySite.ts,
 * where the schema generator reads them; lib/ imports them only as types.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EdgeRegistrySiteArgs } from "../../edgeRegistrySite";

/** The image the quickstart syncs and runs when no other is given, tagged `v1` so the workload runs a pinned tag. */
const helloWorld = { source: "mcr.microsoft.com/mcr/hello-world:latest", targetTags: ["hello-world:v1"], tag: "v1" };

/** The site's defaulted repositories, imports and workload tag. */
export interface SiteDefaults {
  repositories: pulumi.Input<pulumi.Input<string>[]>;
  imports: { source: pulumi.Input<string>; targetTags?: string[] }[];
  /** The workload's tag when no digest is given. */
  workloadTag: pulumi.Input<string>;
}

/** The repositories (default `hello-world`), the imports and the workload tag, defaulted together. */
export function siteDefaults(args: EdgeRegistrySiteArgs): SiteDefaults {
  const repositoriesDefaulted = args.repositories === undefined;
  const repositories = args.repositories ?? ["hello-world"];
  // Only into a registry the site creates: sites sharing an existing registry would each import the same tag,
  // and every import after the first fails (NoForce keeps an existing tag).
  const helloWorldDefaults =
    args.existingRegistryName === undefined && repositoriesDefaulted && args.imports === undefined;
  const imports = helloWorldDefaults
    ? [{ source: helloWorld.source, targetTags: helloWorld.targetTags }]
    : (args.imports ?? []).map((source) => ({ source }));
  return { repositories, imports, workloadTag: args.workloadTag ?? (helloWorldDefaults ? helloWorld.tag : "latest") };
}

/** What the site's cluster side needs of its cloud side, created here or given (the cluster-only form). */
export interface CloudSide {
  registryName: pulumi.Output<string>;
  loginServer: pulumi.Output<string>;
  /** Known while the program runs (it names the extension). */
  connectedRegistryName: string;
  connectedRegistryNameOutput: pulumi.Output<string>;
  connectedRegistryId: pulumi.Output<string>;
  connectionString: pulumi.Output<string>;
  clientCredential: pulumi.Output<{ username: string; password: string }>;
  connectionState: pulumi.Output<string | undefined>;
  activationStatus: pulumi.Output<string | undefined>;
  importsDone: pulumi.Resource[];
}
