// Drafts grammar-test assertions: prints a polic file with, under each line, one
// vscode-tmgrammar-test assertion per token naming the token's innermost scope. A draft
// for a new test file: read every assertion against docs/language.md before committing it.
//
// Usage: node scripts/annotate.mjs FILE "description" > test/NAME.polic

import { readFileSync } from "node:fs";

import { tokenize } from "./textmate.mjs";

const [file, description = file] = process.argv.slice(2);
const text = readFileSync(file, "utf8").replace(/\n$/, "");
const tokens = await tokenize(text);
const out = [`// SYNTAX TEST "source.polic" "${description}"`];
text.split("\n").forEach((line, index) => {
  out.push(line);
  for (const t of tokens.filter((t) => t.line === index && t.text.trim() !== "")) {
    const scope = t.scopes[t.scopes.length - 1];
    if (scope === "source.polic") continue;
    // `// ` takes the first three columns: tokens starting there are pointed at with `<`.
    const marker =
      t.start < 3
        ? `<${"~".repeat(t.start)}${"-".repeat(t.end - t.start)}`
        : `${" ".repeat(t.start - 3)}${"^".repeat(t.end - t.start)}`;
    out.push(`// ${marker} ${scope}`);
  }
});
console.log(out.join("\n"));
