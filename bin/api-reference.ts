/**
 * The API reference (`docs/api/`), generated from the committed `schema.json` — the same descriptions every
 * language's SDK carries, which come from the components' `/** *\/` docs.
 *
 *   npm run docs:api            # regenerate docs/api/
 *   npm run docs:api -- --check # exit 1 when docs/api/ is stale, a public argument or output has no description,
 *                               # or a relative link in README.md or docs/ points at no file or heading
 */
import * as fs from "node:fs";
import * as path from "node:path";

// ---- rendering -------------------------------------------------------------------------------------------

interface Property {
  type?: string;
  $ref?: string;
  items?: Property;
  additionalProperties?: Property;
  description?: string;
  optional?: boolean;
  secret?: boolean;
  plain?: boolean;
}
interface ObjectSpec {
  description?: string;
  type?: string;
  isComponent?: boolean;
  properties?: { [name: string]: Property };
  inputProperties?: { [name: string]: Property };
  requiredInputs?: string[];
  required?: string[];
  enum?: { name?: string; value: unknown; description?: string }[];
}
interface Schema {
  name: string;
  resources: { [token: string]: ObjectSpec };
  types?: { [token: string]: ObjectSpec };
}

const nameOf = (token: string): string => token.split(":").pop() ?? token;
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, "")
    .replace(/ /g, "-");

/** One line of Markdown table text: newlines joined, pipes escaped. */
function cell(text: string | undefined): string {
  return (text ?? "")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

/** The type of a property as a reader sees it, linked to its definition. */
function typeOf(property: Property, typesPage: string): string {
  if (property.$ref !== undefined) {
    if (property.$ref.startsWith("#/types/")) {
      const name = nameOf(property.$ref);
      return `[${name}](${typesPage}#${anchorOf(name)})`;
    }
    return `\`${property.$ref.replace(/^.*\/(schema\.json)?#?\/?(resources|types)\//, "")}\``;
  }
  if (property.type === "array" && property.items !== undefined) {
    return `${typeOf(property.items, typesPage)}[]`;
  }
  if (property.type === "object" && property.additionalProperties !== undefined) {
    return `map of ${typeOf(property.additionalProperties, typesPage)}`;
  }
  return property.type ?? "any";
}

function propertyTable(
  properties: { [name: string]: Property } | undefined,
  required: readonly string[],
  typesPage: string,
): string[] {
  const entries = Object.entries(properties ?? {});
  if (entries.length === 0) {
    return ["_None._", ""];
  }
  const rows = entries.map(([name, property]) => {
    const marks = [required.includes(name) ? "required" : "", property.secret ? "secret" : ""].filter(Boolean);
    return `| \`${name}\` | ${typeOf(property, typesPage)} | ${marks.join(", ")} | ${cell(property.description)} |`;
  });
  return ["| Name | Type | | Description |", "| --- | --- | --- | --- |", ...rows, ""];
}

/** Every page of the reference, keyed by file name under docs/api/. */
function renderApiReference(schema: Schema): { [file: string]: string } {
  const pages: { [file: string]: string } = {};
  const generated =
    "<!-- Generated from schema.json by `npm run docs:api`; edit the components' /** */ docs instead. -->";
  const index = [
    generated,
    "",
    "# API reference",
    "",
    `Every resource of the \`${schema.name}\` package, with the arguments and outputs each language's SDK has (names`,
    "in camelCase here; Python uses snake_case). Types shared by several resources are in [types.md](types.md).",
    "",
    "| Resource | Kind | Summary |",
    "| --- | --- | --- |",
  ];
  for (const [token, spec] of Object.entries(schema.resources).sort(([a], [b]) => a.localeCompare(b))) {
    const name = nameOf(token);
    const summary = cell((spec.description ?? "").split(/\n\s*\n/)[0]);
    index.push(`| [${name}](${name}.md) | ${spec.isComponent ? "component" : "custom resource"} | ${summary} |`);
    pages[`${name}.md`] = [
      generated,
      "",
      `# ${name}`,
      "",
      `Type token \`${token}\` (${spec.isComponent ? "component" : "custom resource of the package's provider"}).`,
      "",
      spec.description ?? "",
      "",
      "## Arguments",
      "",
      ...propertyTable(spec.inputProperties, spec.requiredInputs ?? [], "types.md"),
      "## Outputs",
      "",
      ...propertyTable(spec.properties, spec.required ?? [], "types.md"),
    ].join("\n");
  }
  pages["README.md"] = index.join("\n") + "\n";

  const types = [generated, "", "# Types", ""];
  for (const [token, spec] of Object.entries(schema.types ?? {}).sort(([a], [b]) =>
    nameOf(a).localeCompare(nameOf(b)),
  )) {
    types.push(`## ${nameOf(token)}`, "", spec.description ?? "", "");
    if (spec.enum !== undefined) {
      types.push("| Value | Description |", "| --- | --- |");
      types.push(...spec.enum.map((item) => `| \`${String(item.value)}\` | ${cell(item.description)} |`), "");
    } else {
      types.push(...propertyTable(spec.properties, spec.required ?? [], ""));
    }
  }
  pages["types.md"] = types.join("\n");
  return Object.fromEntries(Object.entries(pages).map(([file, text]) => [file, text.replace(/\n{3,}/g, "\n\n")]));
}

// ---- checks --------------------------------------------------------------------------------------------

/** Public arguments, outputs and types without a readable description. */
function referenceProblems(schema: Schema): string[] {
  const problems: string[] = [];
  const judge = (where: string, description: string | undefined): void => {
    if (description === undefined || description.trim() === "") {
      problems.push(`${where} has no description: add a /** */ doc in the component and run \`npm run schema\``);
    } else if (description.includes("[object Object]")) {
      problems.push(`${where}'s description reads "[object Object]": a {@link} the schema generator cannot render`);
    }
  };
  // The schema generator gives types no description of their own (only their properties), so a type is judged by
  // its properties; a resource by its own description too.
  for (const [token, spec] of Object.entries({ ...schema.resources, ...(schema.types ?? {}) })) {
    const name = nameOf(token);
    if (token in schema.resources) {
      judge(name, spec.description);
    }
    for (const [kind, properties] of [
      ["argument", spec.inputProperties],
      ["output", spec.properties],
    ] as const) {
      for (const [property, value] of Object.entries(properties ?? {})) {
        judge(`${name} ${kind} \`${property}\``, value.description);
      }
    }
  }
  return problems;
}

/** Relative links in README.md and docs/ whose file, or whose heading in that file, does not exist. */
function linkProblems(repoRoot: string): string[] {
  const files = ["README.md", ...markdownUnder(path.join(repoRoot, "docs")).map((f) => path.relative(repoRoot, f))];
  const problems: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(repoRoot, file), "utf8").replace(/```[\s\S]*?```/g, "");
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1];
      if (/^[a-z]+:/i.test(target)) {
        continue; // https:, mailto:
      }
      const [filePart, anchor] = target.split("#");
      const resolved =
        filePart === "" ? path.join(repoRoot, file) : path.resolve(path.dirname(path.join(repoRoot, file)), filePart);
      if (!fs.existsSync(resolved)) {
        problems.push(`${file}: link to ${target}: no such file`);
      } else if (anchor !== undefined && resolved.endsWith(".md") && !headingAnchors(resolved).has(anchor)) {
        problems.push(`${file}: link to ${target}: no heading with that anchor`);
      }
    }
  }
  return problems;
}

function markdownUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? markdownUnder(path.join(dir, entry.name))
        : entry.name.endsWith(".md")
          ? [path.join(dir, entry.name)]
          : [],
    );
}

/** The anchors GitHub gives a file's headings. */
function headingAnchors(file: string): Set<string> {
  const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const anchors = new Set<string>();
  for (const match of text.matchAll(/^#{1,6} +(.+)$/gm)) {
    const base = anchorOf(match[1].replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"));
    let anchor = base;
    for (let i = 1; anchors.has(anchor); i++) {
      anchor = `${base}-${i}`;
    }
    anchors.add(anchor);
  }
  return anchors;
}

// ---- command -------------------------------------------------------------------------------------------

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, "docs", "api");
fs.mkdirSync(outDir, { recursive: true });
const schema = JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8")) as Schema;
const pages = renderApiReference(schema);

if (process.argv.includes("--check")) {
  const problems = [...referenceProblems(schema)];
  for (const [file, text] of Object.entries(pages)) {
    const current = fs.existsSync(path.join(outDir, file)) ? fs.readFileSync(path.join(outDir, file), "utf8") : "";
    if (current !== text) {
      problems.push(`docs/api/${file} is out of date with schema.json: run \`npm run docs:api\``);
    }
  }
  for (const file of fs.readdirSync(outDir).filter((name) => name.endsWith(".md"))) {
    if (!(file in pages)) {
      problems.push(`docs/api/${file} documents nothing in schema.json any more: run \`npm run docs:api\``);
    }
  }
  problems.push(...linkProblems(root));
  for (const problem of problems) {
    process.stderr.write(`error: ${problem}\n`);
  }
  process.exitCode = problems.length === 0 ? 0 : 1;
} else {
  for (const file of fs.readdirSync(outDir).filter((name) => name.endsWith(".md") && !(name in pages))) {
    fs.rmSync(path.join(outDir, file));
  }
  for (const [file, text] of Object.entries(pages)) {
    fs.writeFileSync(path.join(outDir, file), text);
  }
  process.stdout.write(`docs/api: ${Object.keys(pages).length} pages\n`);
}
