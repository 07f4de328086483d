// Tokenizes polic text with the extension's TextMate grammar, as VS Code does: with
// vscode-textmate and the Oniguruma regular-expression engine compiled to WebAssembly.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const grammarPath = fileURLToPath(new URL("../syntaxes/polic.tmLanguage.json", import.meta.url));

let grammarPromise;

/// The polic grammar, loaded once.
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== "source.polic") return null;
        return textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath);
      },
    });
    return registry.loadGrammar("source.polic");
  })();
  return grammarPromise;
}

/// Every line's tokens: `{ line, start, end, text, scopes }`, columns in UTF-16 code units
/// (the unit of JavaScript strings and of LSP positions by default).
export async function tokenize(text) {
  const grammar = await loadGrammar();
  const lines = text.split(/\r?\n/);
  let state = textmate.INITIAL;
  const tokens = [];
  lines.forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, lineText.length);
      if (end <= token.startIndex) continue;
      tokens.push({
        line,
        start: token.startIndex,
        end,
        text: lineText.slice(token.startIndex, end),
        scopes: token.scopes,
      });
    }
    state = result.ruleStack;
  });
  return tokens;
}

// `node scripts/textmate.mjs FILE`: prints each token and its innermost scope.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tokens = await tokenize(readFileSync(process.argv[2], "utf8"));
  for (const t of tokens) {
    if (!t.text.trim()) continue;
    console.log(`${t.line + 1}:${t.start}\t${JSON.stringify(t.text)}\t${t.scopes.slice(1).join(" ")}`);
  }
}
