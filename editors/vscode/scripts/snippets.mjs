// Checks that every snippet, expanded with its default placeholders, is valid polic syntax:
// each one is written to a file of its own (group, clause and obligation inside the item
// they belong in) and `polic check --format json` must report no lexical or syntax error
// (P0001 to P0004). Names the snippets leave as placeholders may be unknown to the checker;
// that is expected.
//
// Usage: node scripts/snippets.mjs [--polic PATH]

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");

function policBinary() {
  const flag = process.argv.indexOf("--polic");
  if (flag >= 0) return process.argv[flag + 1];
  if (process.env.POLIC) return process.env.POLIC;
  const built = join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug", "polic");
  return existsSync(built) ? built : "polic";
}

/// The text a snippet inserts when every placeholder keeps its default (the first choice of
/// a choice), following the TextMate snippet grammar VS Code uses.
export function expand(body) {
  let i = 0;
  const parse = (closing) => {
    let out = "";
    while (i < body.length) {
      const c = body[i];
      if (c === "\\" && i + 1 < body.length && "$}\\,|".includes(body[i + 1])) {
        out += body[i + 1];
        i += 2;
      } else if (closing && c === "}") {
        i++;
        return out;
      } else if (c === "$") {
        const simple = /^\$(\d+|[A-Z_]+)/.exec(body.slice(i));
        if (simple) {
          out += variable(simple[1], "");
          i += simple[0].length;
          continue;
        }
        const braced = /^\$\{(\d+|[A-Z_]+)/.exec(body.slice(i));
        if (!braced) throw new Error(`bad snippet syntax at ${i}: ${body}`);
        i += braced[0].length;
        const name = braced[1];
        if (body[i] === "}") {
          i++;
          out += variable(name, "");
        } else if (body[i] === ":") {
          i++;
          out += variable(name, parse(true));
        } else if (body[i] === "|") {
          const end = body.indexOf("|}", i);
          out += body.slice(i + 1, end).split(",")[0];
          i = end + 2;
        } else {
          throw new Error(`bad placeholder at ${i}: ${body}`);
        }
      } else {
        out += c;
        i++;
      }
    }
    if (closing) throw new Error(`unclosed placeholder: ${body}`);
    return out;
  };
  return parse(false);
}

function variable(name, fallback) {
  if (/^\d+$/.test(name)) return fallback;
  const values = { CURRENT_YEAR: "2030" };
  if (!(name in values)) throw new Error(`unknown snippet variable ${name}`);
  return values[name];
}

/// Where a snippet that is not an item goes.
const WRAP = {
  group: (text) => `standard s "S" {\n${text}\n}\n`,
  clause: (text) => `standard s "S" {\n${text}\n}\n`,
  obligation: (text) => `control c "C" {\n${text}\n}\n`,
};

const snippets = JSON.parse(readFileSync(join(here, "../snippets/polic.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "polic-snippets-"));
let failures = 0;
try {
  for (const [name, snippet] of Object.entries(snippets)) {
    const text = expand(snippet.body.join("\n")).replaceAll("\t", "  ");
    const file = join(dir, `${name}.polic`);
    writeFileSync(file, (WRAP[name] ?? ((t) => `${t}\n`))(text));
  }
  let report;
  try {
    report = execFileSync(policBinary(), ["check", "--format", "json", dir], { encoding: "utf8" });
  } catch (error) {
    // Exit code 1: the policy has errors (unknown names are expected); the report is there.
    if (error.status !== 1) throw error;
    report = error.stdout;
  }
  const diagnostics = JSON.parse(report);
  for (const d of diagnostics) {
    if (/^P000[1-4]$/.test(d.code)) {
      failures++;
      console.error(`${d.location.file}:${d.location.line}:${d.location.column}: ${d.code} ${d.message}`);
    }
  }
  const count = Object.keys(snippets).length;
  console.log(`snippets: ${count - failures} passed, ${failures} failed`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
