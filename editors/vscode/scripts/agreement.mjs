// Checks that the TextMate grammar and the language server's semantic tokens agree.
//
// It starts the real `polic lsp` on examples/acme, asks for the semantic tokens of every
// workspace file and every standard-library module, does the same for the grammar tests
// (test/*.polic), tokenizes the same texts with the grammar (vscode-textmate and
// Oniguruma, as in VS Code), and compares:
// - clause references and clause ids: each one the server marks is exactly one grammar
//   token scoped `constant.other.clause-*`, with the same range, and the other way round;
// - every other character the server colours: the grammar puts it in the same category
//   (comment, doc comment, string, number, keyword, operator, name), and every character
//   the grammar puts in one of those categories is coloured the same by the server.
//
// Usage: node scripts/agreement.mjs [--polic PATH]  (default: $POLIC, then the workspace's
// target/debug/polic, then `polic` on PATH). Exits 1 on any disagreement.

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { LspClient } from "./lsp-client.mjs";
import { tokenize } from "./textmate.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const extension = resolve(here, "..");
const repo = resolve(extension, "../..");

function policBinary() {
  const flag = process.argv.indexOf("--polic");
  if (flag >= 0) return process.argv[flag + 1];
  if (process.env.POLIC) return process.env.POLIC;
  const built = join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug", "polic");
  return existsSync(built) ? built : "polic";
}

function policFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return policFiles(path);
    return entry.name.endsWith(".polic") ? [path] : [];
  });
}

/// The category of a grammar token: from its innermost scope outwards, the first that
/// names one.
function grammarCategory(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope.startsWith("comment.line.documentation")) return "doc";
    if (scope.startsWith("comment.")) return "comment";
    if (scope.startsWith("string.")) return "string";
    if (scope.startsWith("constant.other.clause-")) return "clause";
    if (scope.startsWith("constant.numeric.")) return "number";
    if (scope.startsWith("keyword.operator.")) return "operator";
    if (
      scope.startsWith("keyword.") ||
      scope.startsWith("storage.type.") ||
      scope.startsWith("constant.language.boolean.")
    ) {
      return "keyword";
    }
    if (
      scope.startsWith("entity.name.") ||
      scope.startsWith("variable.") ||
      scope.startsWith("constant.language.")
    ) {
      return "name";
    }
  }
  return null;
}

/// The category of a server token type (lsp/src/handlers.rs, `token_type`).
function serverCategory(type, modifiers) {
  switch (type) {
    case "keyword":
      return "keyword";
    case "comment":
      return modifiers.includes("documentation") ? "doc" : "comment";
    case "string":
      return "string";
    case "number":
      return "number";
    case "operator":
      return "operator";
    case "macro":
      return "clause";
    default:
      return "name";
  }
}

/// Decodes LSP semantic tokens into `{ line, start, end, category }`.
function decode(data, legend) {
  const tokens = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, bits] = data.slice(i, i + 5);
    line += deltaLine;
    start = deltaLine === 0 ? start + deltaStart : deltaStart;
    const modifiers = legend.tokenModifiers.filter((_, bit) => bits & (1 << bit));
    tokens.push({
      line,
      start,
      end: start + length,
      category: serverCategory(legend.tokenTypes[type], modifiers),
    });
  }
  return tokens;
}

/// Compares one text's server tokens with its grammar tokens; returns the disagreements.
async function compare(name, text, serverTokens) {
  const lines = text.split(/\r?\n/);
  const grammarTokens = await tokenize(text);
  const problems = [];
  const at = (line, col) => `${name}:${line + 1}:${col + 1}`;
  const show = (line, start, end) => JSON.stringify(lines[line].slice(start, end));

  // Per character: the category each side gives it.
  const server = lines.map((l) => new Array(l.length).fill(null));
  const grammar = lines.map((l) => new Array(l.length).fill(null));
  for (const t of serverTokens) {
    for (let c = t.start; c < t.end && c < server[t.line].length; c++) server[t.line][c] = t.category;
  }
  for (const t of grammarTokens) {
    const category = grammarCategory(t.scopes);
    for (let c = t.start; c < t.end; c++) grammar[t.line][c] = category;
  }
  lines.forEach((_, line) => {
    let c = 0;
    while (c < lines[line].length) {
      const s = server[line][c];
      const g = grammar[line][c];
      // Characters only the grammar colours as punctuation or names are the grammar's own
      // business; every character the server colours, and every one the grammar puts in a
      // lexical category, must agree.
      const disagree = s !== g && (s !== null || (g !== null && g !== "name"));
      if (!disagree) {
        c++;
        continue;
      }
      let end = c + 1;
      while (end < lines[line].length && server[line][end] === s && grammar[line][end] === g) end++;
      problems.push(
        `${at(line, c)} ${show(line, c, end)}: server ${s ?? "nothing"}, grammar ${g ?? "nothing"}`,
      );
      c = end;
    }
  });

  // Clause references and ids: one token each, with the same range on both sides.
  const key = (t) => `${t.line}:${t.start}:${t.end}`;
  const grammarClauses = new Map(
    grammarTokens
      .filter((t) => t.scopes.some((s) => s.startsWith("constant.other.clause-")))
      .map((t) => [key(t), t]),
  );
  const serverClauses = new Map(
    serverTokens.filter((t) => t.category === "clause").map((t) => [key(t), t]),
  );
  for (const [k, t] of serverClauses) {
    if (!grammarClauses.has(k)) {
      problems.push(`${at(t.line, t.start)} ${show(t.line, t.start, t.end)}: the server's clause is not one grammar token`);
    }
  }
  for (const [k, t] of grammarClauses) {
    if (!serverClauses.has(k)) {
      problems.push(`${at(t.line, t.start)} ${show(t.line, t.start, t.end)}: the grammar's clause is not one server token`);
    }
  }
  return { problems, clauses: serverClauses.size, tokens: serverTokens.length };
}

/// Starts the server on `root`, compares the given files (and the standard library when
/// asked), and stops it.
async function session(polic, root, files, { stdlib = false } = {}) {
  const client = new LspClient(polic);
  try {
    const capabilities = await client.initialize(root);
    const legend = capabilities.semanticTokensProvider.legend;
    const documents = files.map((path) => ({
      name: relative(repo, path),
      uri: pathToFileURL(path).href,
      text: readFileSync(path, "utf8"),
    }));
    if (stdlib) {
      // The modules the binary embeds, as `polic stdlib` lists them (`std.NAME  title`).
      const listing = execFileSync(polic, ["stdlib"], { encoding: "utf8" });
      for (const [, module] of listing.matchAll(/^std\.([A-Za-z0-9_-]+)/gm)) {
        const file = `${module}.polic`;
        const uri = `polic-stdlib:///${file}`;
        const text = await client.request("polic/stdlib", { uri });
        if (typeof text !== "string") throw new Error(`polic/stdlib gave no text for ${uri}`);
        documents.push({ name: `<stdlib>/${file}`, uri, text });
      }
    }
    const results = [];
    for (const doc of documents) {
      const answer = await client.request("textDocument/semanticTokens/full", {
        textDocument: { uri: doc.uri },
      });
      if (!answer) throw new Error(`no semantic tokens for ${doc.uri}`);
      results.push({ doc, ...(await compare(doc.name, doc.text, decode(answer.data, legend))) });
    }
    return results;
  } finally {
    await client.stop();
  }
}

const polic = policBinary();
const acme = join(repo, "examples/acme");
const tests = join(extension, "test");
const results = [
  ...(await session(polic, acme, policFiles(acme), { stdlib: true })),
  ...(await session(polic, tests, policFiles(tests))),
];

let problems = 0;
let clauses = 0;
let tokens = 0;
for (const result of results) {
  for (const problem of result.problems) console.error(problem);
  problems += result.problems.length;
  clauses += result.clauses;
  tokens += result.tokens;
}
console.log(
  `grammar and semantic tokens: ${results.length} files, ${tokens} server tokens, ` +
    `${clauses} clause references and ids, ${problems} disagreements`,
);
process.exit(problems === 0 ? 0 : 1);
