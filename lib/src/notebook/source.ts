/**
 * Showing the lib's own source in a notebook, so that the text a student reads and the code the
 * tests check can never drift apart (STYLE.md, rule 9).
 *
 * ```ts
 * showSource("backend.ts", "parseBackendName");
 * showSource("rnn/rnn.ts", "RNNScratch.forward");
 * ```
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { markdown } from "./display";

/** Folder holding the lib's TypeScript sources (`lib/src`). */
export const SOURCE_DIR = path.resolve(__dirname, "..", "..", "src");

function nameOf(node: ts.Node): string | undefined {
  const n = (node as { name?: ts.Node }).name;
  return n !== undefined && (ts.isIdentifier(n) || ts.isStringLiteral(n)) ? n.text : undefined;
}

function findMember(nodes: readonly ts.Node[], name: string): ts.Node | undefined {
  for (const node of nodes) {
    if (ts.isVariableStatement(node)) {
      if (node.declarationList.declarations.some((d) => nameOf(d) === name)) return node;
    } else if (nameOf(node) === name) {
      return node;
    }
  }
  return undefined;
}

/**
 * Returns the source text of a top-level declaration (function, class, interface, type, const),
 * or of a class member written `Class.member`, with its leading TSDoc comment.
 *
 * @param file path relative to `lib/src`, e.g. `"backend.ts"`.
 * @throws Error naming the declarations the file has, when `name` is not among them.
 */
export function sourceOf(file: string, name: string): string {
  const full = path.join(SOURCE_DIR, file);
  if (!fs.existsSync(full)) throw new Error(`sourceOf: no file lib/src/${file}. Give a path relative to lib/src.`);
  const text = fs.readFileSync(full, "utf8");
  const sf = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true);
  const [outer, member] = name.split(".");
  let node = findMember(sf.statements, outer);
  if (node !== undefined && member !== undefined) {
    node = ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) ? findMember(node.members, member) : undefined;
  }
  if (node === undefined) {
    const known = sf.statements.map(nameOf).filter((n): n is string => n !== undefined);
    throw new Error(`sourceOf: lib/src/${file} has no declaration "${name}". It declares: ${known.join(", ")}.`);
  }
  // getFullText includes leading trivia (the TSDoc comment); drop blank lines before it.
  const body = node.getFullText(sf).replace(/^\s*\n/, "");
  const lines = body.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
  return lines
    .map((l) => l.slice(indent))
    .join("\n")
    .trimEnd();
}

/** Displays a declaration of the lib as a TypeScript code block (see {@link sourceOf}). */
export function showSource(file: string, name: string): void {
  markdown("```ts\n" + sourceOf(file, name) + "\n```\n<sub>from `lib/src/" + file + "`</sub>");
}
