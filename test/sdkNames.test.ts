/**
 * The SDK names `pulumi package add` generates for this package in each language are the same for a local path,
 * a git URL and a git tag, and they are the names docs/other-languages.md uses in its programs.
 *
 * Each language's names are derived here the way Pulumi's generators derive them (pulumi/pulumi v3.259,
 * pulumi-dotnet), from the schema's `name`, its `language` sections and, for a git source, the namespace the CLI
 * sets from the repository owner. Read, not copied; each function cites its origin.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sdkNames } from "../provider/schema";

const root = path.join(__dirname, "..");
const schema = JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8"));
const docs = fs.readFileSync(path.join(root, "docs", "other-languages.md"), "utf8");

/** What the CLI knows of a `pulumi package add` source: the schema's namespace and the package version. */
interface Source {
  readonly namespace: string;
  readonly version: string;
}

/**
 * A local path keeps the schema's namespace (none) and version. A git URL becomes the plugin download URL
 * `git://<host>/<owner>/<repo>` (`sdk/go/common/workspace/plugins.go`, `NewPluginDescriptor`), versioned by the
 * tag, or `0.0.0-x<commit>` without one; `pkg/cmd/pulumi/packages/packages.go` `setSpecNamespace` then sets the
 * namespace to the lowercased owner (regexp `git://[^/]+/([^/]+)/`) when the schema sets none.
 */
function sourceOf(spec: string): Source {
  const git = /^https:\/\/([^/]+\/[^@]+?)(?:@v?(.+))?$/.exec(spec);
  if (git === null) return { namespace: schema.namespace ?? "", version: schema.version };
  const downloadUrl = `git://${git[1]}`;
  const owner = /git:\/\/[^/]+\/([^/]+)\//.exec(downloadUrl);
  return {
    namespace: schema.namespace || (owner ? owner[1].toLowerCase() : ""),
    version: git[2] ?? "0.0.0-x1b59498",
  };
}

/** Python import/package name: `pkg/codegen/python/gen.go` `GeneratePackage` (info.PackageName, else `PyPack`). */
function pythonPackage(language: any, source: Source): string {
  const pyPack = (namespace: string, name: string) =>
    `${namespace === "" ? "pulumi" : namespace.replace(/-/g, "_")}_${name.replace(/-/g, "_")}`;
  return language.python?.packageName || pyPack(source.namespace, schema.name);
}

/**
 * C# namespace: pulumi-dotnet `pulumi-language-dotnet/codegen/importer.go` `normalizePackageInfo` (root namespace
 * from the namespace when `rootNamespace` is empty), `GetRootNamespace` (default `Pulumi`), and `gen.go`
 * `namespaceName` (each `-`-separated part upper-cased first) for `<root>.<namespaceName(name)>`.
 */
function csharpNamespace(language: any, source: Source): string {
  const namespaceName = (name: string) =>
    name
      .split("/")
      .map((part) =>
        part
          .split("-")
          .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
          .join(""),
      )
      .join(".");
  const rootNamespace =
    language.csharp?.rootNamespace || (source.namespace !== "" ? namespaceName(source.namespace) : "Pulumi");
  return `${rootNamespace}.${namespaceName(schema.name)}`;
}

/**
 * Go import path: `pkg/codegen/go/gen.go` `GeneratePackage` (info.ImportBasePath, else `ExtractImportBasePath`:
 * `ExtractModulePath` = `example.com/pulumi-<name>`, `github.com/<namespace>/pulumi-<name>` with a namespace, or the
 * schema's `repository`, `/sdk/go`, `/v<major>` above 1, then `/<goPackage(name)>`; `package add` sets SupportPack).
 */
function goImportPath(language: any, source: Source): string {
  if (language.go?.importBasePath) return language.go.importBasePath;
  expect(schema.repository).toBeUndefined(); // it would replace the root below
  const major = Number(source.version.split(".")[0]);
  const root =
    source.namespace !== ""
      ? `github.com/${source.namespace}/pulumi-${schema.name}`
      : `example.com/pulumi-${schema.name}`;
  return `${root}/sdk/go${major > 1 ? `/v${major}` : ""}/${schema.name.replace(/-/g, "")}`;
}

/** Node.js package name: `pkg/codegen/nodejs/gen.go` `genNPMPackageMetadata`. */
function nodePackage(language: any, source: Source): string {
  if (language.nodejs?.packageName) return language.nodejs.packageName;
  return source.namespace !== "" ? `@${source.namespace}/${schema.name}` : `@pulumi/${schema.name}`;
}

function namesOf(language: unknown, source: Source) {
  return {
    python: pythonPackage(language, source),
    csharp: csharpNamespace(language, source),
    go: goImportPath(language, source),
    nodejs: nodePackage(language, source),
  };
}

const sources = [
  "../edge-registry",
  "https://github.com/Contoso-Edge/edge-registry",
  "https://github.com/Contoso-Edge/edge-registry@v0.1.0",
  "https://github.com/Contoso-Edge/edge-registry@v2.0.0",
];

/** The names the docs' programs use, read from their code blocks. */
function documentedNames() {
  const block = (lang: string) => {
    const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(docs);
    expect([lang, match !== null]).toEqual([lang, true]);
    return match![1];
  };
  return {
    python: /^import (\S+) as edge_registry$/m.exec(block("python"))?.[1],
    csharp: /^using (Pulumi\.\w+|\w+\.EdgeRegistry);$/m.exec(block("csharp"))?.[1],
    go: /^\s*edgeregistry "([^"]+)"$/m.exec(block("go"))?.[1],
    nodejs: /^import \* as edgeRegistry from "([^"]+)";$/m.exec(block("typescript"))?.[1],
  };
}

it("pins every language's names in the schema", () => {
  for (const [language, settings] of Object.entries(sdkNames)) {
    expect(schema.language[language]).toMatchObject(settings);
  }
  // No namespace in the schema: the CLI then sets it from the git owner, which the pinned names override.
  expect(schema.namespace).toBeUndefined();
});

it.each(sources)("gives the documented names for `pulumi package add %s`", (spec) => {
  expect(namesOf(schema.language, sourceOf(spec))).toEqual(documentedNames());
});

it("would put the git owner into every name without the language sections (what they prevent)", () => {
  const git = sourceOf("https://github.com/Contoso-Edge/edge-registry@v2.0.0");
  expect(git.namespace).toBe("contoso-edge");
  expect(namesOf({}, git)).toEqual({
    python: "contoso_edge_edge_registry",
    csharp: "ContosoEdge.EdgeRegistry",
    go: "github.com/contoso-edge/pulumi-edge-registry/sdk/go/v2/edgeregistry",
    nodejs: "@contoso-edge/edge-registry",
  });
  // A local path gets the pinned names by default, which is why they were chosen.
  expect(namesOf({}, sourceOf("../edge-registry"))).toEqual(documentedNames());
});

it("lists the names in the docs' table", () => {
  const names = documentedNames();
  // The table's rows (prettier pads the cells).
  const row = (language: string) =>
    docs.split("\n").find((line) => new RegExp(`^\\| ${language} +\\|`).test(line)) ?? "";
  expect(row("Python")).toContain(`\`import ${names.python} as edge_registry\``);
  expect(row("C#")).toContain(`\`using ${names.csharp};\``);
  expect(row("Go")).toContain(`\`edgeregistry "${names.go}"\``);
  expect(row("TypeScript")).toContain(`from "${names.nodejs}";`);
});
