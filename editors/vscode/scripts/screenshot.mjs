// Renders a polic file with the extension's grammar and VS Code's Dark+ theme (from the
// tm-themes package), the way VS Code colours it: vscode-textmate resolves each token's
// colour from the theme. The HTML is shot with headless Chromium and cropped.
//
// Usage: node scripts/screenshot.mjs [FILE] [--lines FROM-TO] [--out PNG] [--html HTML]
// Defaults: examples/acme/controls/appsec.polic, lines 29-70, images/screenshot.png.
// Needs Chromium (`apt-get install chromium`; $CHROMIUM names another binary).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { crop } from "./png.mjs";

const require = createRequire(import.meta.url);
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");
const theme = require("tm-themes/themes/dark-plus.json");

const here = dirname(fileURLToPath(import.meta.url));
const extension = resolve(here, "..");
const repo = resolve(extension, "../..");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const file = resolve(args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ??
  join(repo, "examples/acme/controls/appsec.polic"));
const [from, to] = option("--lines", "29-70").split("-").map(Number);
const out = resolve(option("--out", join(extension, "images/screenshot.png")));

const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const grammarPath = join(extension, "syntaxes/polic.tmLanguage.json");
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scope) =>
    scope === "source.polic"
      ? textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath)
      : null,
});
const foreground = theme.colors["editor.foreground"];
const background = theme.colors["editor.background"];
registry.setTheme({
  name: theme.name,
  settings: [{ settings: { foreground, background } }, ...theme.tokenColors],
});
const colors = registry.getColorMap();
const grammar = await registry.loadGrammar("source.polic");

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const lines = readFileSync(file, "utf8").split(/\r?\n/);
let state = textmate.INITIAL;
const rendered = [];
lines.forEach((line, index) => {
  // Tokenize from the top, so that a block comment open above the range is honoured.
  const result = grammar.tokenizeLine2(line, state);
  state = result.ruleStack;
  if (index + 1 < from || index + 1 > to) return;
  let html = "";
  const tokens = result.tokens;
  for (let i = 0; i < tokens.length; i += 2) {
    const start = tokens[i];
    const end = i + 2 < tokens.length ? tokens[i + 2] : line.length;
    const metadata = tokens[i + 1];
    const color = colors[(metadata & 0b111111111 << 15) >>> 15];
    const fontStyle = (metadata >>> 11) & 0b1111;
    const style = [`color:${color}`];
    if (fontStyle & 1) style.push("font-style:italic");
    if (fontStyle & 2) style.push("font-weight:bold");
    html += `<span style="${style.join(";")}">${escape(line.slice(start, end))}</span>`;
  }
  rendered.push(`<div class="line"><span class="number">${index + 1}</span>${html || " "}</div>`);
});

const LINE = 20;
const TAB = 36;
const PAD = 10;
const WIDTH = 1180;
const height = TAB + PAD * 2 + rendered.length * LINE;
const page = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  html, body { margin: 0; background: ${background}; }
  .tabs { height: ${TAB}px; background: #252526; display: flex; }
  .tab { background: ${background}; color: #ffffff; font: 13px "DejaVu Sans", sans-serif;
         padding: 0 18px; display: flex; align-items: center; gap: 8px;
         border-top: 1px solid #0078d4; }
  .tab img { width: 16px; height: 16px; }
  .code { padding: ${PAD}px 0; font: 14px/${LINE}px "DejaVu Sans Mono", monospace;
          white-space: pre; color: ${foreground}; }
  .line { height: ${LINE}px; }
  .number { display: inline-block; width: 44px; padding-right: 22px; text-align: right;
            color: #858585; }
</style></head><body>
<div class="tabs"><div class="tab"><img src="${pathToFileURL(join(extension, "images/polic-file.svg"))}">${escape(basename(file))}</div></div>
<div class="code">${rendered.join("")}</div>
</body></html>
`;

const work = mkdtempSync(join(tmpdir(), "polic-screenshot-"));
try {
  const html = option("--html", join(work, "page.html"));
  writeFileSync(html, page);
  const shot = join(work, "shot.png");
  execFileSync(
    process.env.CHROMIUM ?? "chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${join(work, "profile")}`,
      `--window-size=${WIDTH},${height + 200}`,
      `--screenshot=${shot}`,
      pathToFileURL(html).href,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  writeFileSync(out, crop(readFileSync(shot), WIDTH, height));
  console.log(`${relative(process.cwd(), out)}: ${relative(repo, file)} lines ${from}-${to}, ${WIDTH}x${height}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
