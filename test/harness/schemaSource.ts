/**
 * Reads from the components' TypeScript sources what the schema generator (`ComponentProvider` of
 * `@pulumi/pulumi/provider/experimental`) does not carry over, for `withSourceFacts` (provider/schema.ts):
 *
 * - **`@secret`**: a JSDoc tag on an Args member, a component's public field or a type's member marks that input,
 *   output or property `secret: true` in the schema. It is the one source of truth for secrecy in the schema; the
 *   component wraps the same values in `pulumi.secret`, and test/schemaSecrets.test.ts checks, constructing
 *   each component under mocks, that the two agree. Put the tag on its own line at the end of the comment (a tag
 *   ends the description: the generator reads only the comment before it).
 * - **Descriptions with `{@link}`**: the generator joins `jsDoc[].comment`, which TypeScript parses into parts
 *   (text, links) as soon as a comment holds a `{@link}`, so such a description reads `[object Object],…`
 *   (`provider/experimental/analyzer.js`, `docStrings` / `definition.description`). They are rendered here as
 *   text: `{@link Name}` as `Name`, `{@link Name label}` as `label`, `{@link https://… | label}` as the label or
 *   the URL.
 */
import * as path from "node:path";
import ts from "typescript";
import type { DeclarationFacts, ShapeFacts, SourceFacts } from "../../provider/schema";

/** A link's target as written (`Foo`, `Foo.bar`). */
function entityName(name: ts.EntityName | ts.JSDocMemberName): string {
  if (ts.isIdentifier(name)) return name.text;
  if (ts.isQualifiedName(name)) return `${entityName(name.left)}.${name.right.text}`;
  return `${entityName(name.left)}#${name.right.text}`;
}

/** One `{@link}` as text: its label, else its URL or target name. */
function linkText(link: ts.JSDocLink | ts.JSDocLinkCode | ts.JSDocLinkPlain): string {
  const name = link.name ? entityName(link.name) : "";
  if (link.text.startsWith("://")) {
    // TypeScript parses `https://host/x | label` as the name `https` and the text `://host/x | label`.
    const [url, ...label] = `${name}${link.text}`.split("|");
    return label.join("|").trim() || url.trim();
  }
  return link.text.replace(/^\s*\|/, "").trim() || name;
}

/** A doc comment as text (links rendered). */
export function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
  if (comment === undefined || typeof comment === "string") return comment ?? "";
  return comment.map((part) => (part.kind === ts.SyntaxKind.JSDocText ? part.text : linkText(part))).join("");
}

function jsDocs(node: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter((doc): doc is ts.JSDoc => ts.isJSDoc(doc));
}

/** The facts of one declaration: its rendered description when the generator would garble it, `@secret`. */
function facts(node: ts.Node): DeclarationFacts {
  const docs = jsDocs(node);
  const garbled = docs.some((doc) => doc.comment !== undefined && typeof doc.comment !== "string");
  const secret = ts.getJSDocTags(node).some((tag) => tag.tagName.text === "secret");
  return {
    ...(garbled ? { description: docs.map((doc) => commentText(doc.comment)).join("\n") } : {}),
    ...(secret ? { secret: true } : {}),
  };
}

/** The facts of every property of `type` (inherited ones too), keyed by name; empty facts left out. */
function propertyFacts(checker: ts.TypeChecker, type: ts.Type): Record<string, DeclarationFacts> {
  const out: Record<string, DeclarationFacts> = {};
  for (const symbol of checker.getPropertiesOfType(type)) {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) continue;
    const fact = facts(declaration);
    if (fact.description !== undefined || fact.secret) out[symbol.name] = fact;
  }
  return out;
}

const componentBases = new Set(["ComponentResource", "pulumi.ComponentResource"]);

function isComponentClass(node: ts.ClassDeclaration): boolean {
  return (node.heritageClauses ?? []).some((clause) =>
    clause.types.some((t) => componentBases.has(t.expression.getText())),
  );
}

/**
 * Reads every component and type of the package under `componentsDir` (what its `index.ts` reaches) from the schema
 * generator's own TypeScript program (test/schema.test.ts takes it from the generator, so the sources and their
 * dependencies' declarations are parsed and bound once).
 */
export function readSourceFacts(componentsDir: string, program: ts.Program): SourceFacts {
  const checker = program.getTypeChecker();
  const components: Record<string, ShapeFacts> = {};
  const types: Record<string, ShapeFacts> = {};
  for (const file of reachableSources(program, componentsDir)) {
    for (const statement of file.statements) {
      if (ts.isClassDeclaration(statement) && statement.name && isComponentClass(statement)) {
        const outputs: Record<string, DeclarationFacts> = {};
        for (const member of statement.members) {
          if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
          const fact = facts(member);
          if (fact.description !== undefined || fact.secret) outputs[member.name.text] = fact;
        }
        const constructor = statement.members.find(ts.isConstructorDeclaration);
        const argsParameter = constructor?.parameters[1];
        const inputs = argsParameter ? propertyFacts(checker, checker.getTypeAtLocation(argsParameter)) : {};
        components[statement.name.text] = { ...pick(facts(statement)), inputs, outputs };
      } else if (ts.isInterfaceDeclaration(statement)) {
        const type = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(statement.name)!);
        add(types, statement.name.text, {
          ...pick(facts(statement)),
          inputs: propertyFacts(checker, type),
          outputs: {},
        });
      } else if (ts.isEnumDeclaration(statement)) {
        add(types, statement.name.text, { ...pick(facts(statement)), inputs: {}, outputs: {} });
      }
    }
  }
  return { components, types };
}

/**
 * The files of `program` under `componentsDir` that its `index.ts` reaches through imports and re-exports, in the
 * program's order: the package's sources (the generator's program holds every file under the folder).
 */
function reachableSources(program: ts.Program, componentsDir: string): ts.SourceFile[] {
  const within = path.resolve(componentsDir) + path.sep;
  const options = program.getCompilerOptions();
  const reached = new Set<string>();
  const pending = [path.join(componentsDir, "index.ts")];
  for (let fileName = pending.pop(); fileName !== undefined; fileName = pending.pop()) {
    const file = program.getSourceFile(fileName);
    if (file === undefined || reached.has(file.fileName)) continue;
    reached.add(file.fileName);
    for (const statement of file.statements) {
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      const resolved = ts.resolveModuleName(specifier.text, file.fileName, options, ts.sys).resolvedModule;
      if (resolved && path.resolve(resolved.resolvedFileName).startsWith(within)) {
        pending.push(resolved.resolvedFileName);
      }
    }
  }
  return program.getSourceFiles().filter((file) => reached.has(file.fileName));
}

/** A declaration's own description fact (a `@secret` on a class or interface as a whole means nothing). */
function pick(fact: DeclarationFacts): { description?: string } {
  if (fact.secret) throw new Error("@secret belongs on a member (an input, output or property), not on a whole type");
  return fact.description === undefined ? {} : { description: fact.description };
}

function add(types: Record<string, ShapeFacts>, name: string, shape: ShapeFacts): void {
  if (shape.description === undefined && Object.keys(shape.inputs).length === 0) {
    return; // nothing the generator misses
  }
  if (types[name] !== undefined) {
    throw new Error(
      `two types named ${name} in components/ with @secret tags or links: the schema has one token per name`,
    );
  }
  types[name] = shape;
}
