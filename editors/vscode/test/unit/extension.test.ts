// Unit tests of the extension's own logic, run by node's test runner against a stub of the
// `vscode` API (see vscode-stub.ts): hover parsing, trace links, settings sent to the
// server, finding the binary, and the manifest's references.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import { BinaryError, locate, resolveBinary } from "../../src/binary";
import { DEFAULT_SOURCE_LANGUAGES, documentSelector, initializationOptions } from "../../src/config";
import { STDLIB_SCHEME, stdlibModule, stdlibUri } from "../../src/stdlib";
import { ExplainCodeActions, TRACE_SCHEME, TraceDocuments, targetFromHoverText } from "../../src/trace";
import { folders, settings, Uri } from "./vscode-stub";

// The bundle runs from dist-test/: the extension's directory is one up.
const extension = path.resolve(__dirname, "..");
const repo = path.resolve(extension, "../..");

describe("hover text", () => {
  it("names what can be traced", () => {
    assert.deepEqual(targetFromHoverText("**control** `sast` — Static analysis\n\n..."), {
      kind: "control",
      name: "sast",
    });
    assert.deepEqual(targetFromHoverText("**clause** `iso27001#A.8.25` — Secure development"), {
      kind: "clause",
      name: "iso27001#A.8.25",
    });
    assert.deepEqual(targetFromHoverText("**archetype** `k8s-web-service`"), {
      kind: "archetype",
      name: "k8s-web-service",
    });
    assert.deepEqual(targetFromHoverText("**app** `payments-api` — Payments API"), {
      kind: "app",
      name: "payments-api",
    });
  });

  it("takes an obligation's control", () => {
    assert.deepEqual(
      targetFromHoverText("**obligation** `sast-gate` of control `sast` — Run the SAST stage"),
      { kind: "control", name: "sast" },
    );
  });

  it("ignores what cannot be traced", () => {
    assert.equal(targetFromHoverText("**fact** `exposure`: `internal | internet`"), undefined);
    assert.equal(targetFromHoverText("**waiver** `legacy`"), undefined);
    assert.equal(targetFromHoverText(""), undefined);
  });
});

describe("trace documents", () => {
  it("link source locations to files and standard-library documents", () => {
    const traces = new TraceDocuments();
    const lines = [
      'control sast "Static analysis gates every merge"  controls/appsec.polic:30:9',
      '    nist80053#sa-11  "Developer Testing"  weight 3 [sa]  <stdlib>/nist80053.polic:883:12',
      "  required of 8 app(s): acme-wallet",
    ];
    const document = {
      uri: Uri.from({ scheme: TRACE_SCHEME, path: "/control sast", query: "root=%2Fwork%2Facme" }),
      lineCount: lines.length,
      lineAt: (i: number) => ({ text: lines[i] }),
    };
    const links = traces.provideDocumentLinks(document as never);
    assert.equal(links.length, 2);
    const [file, stdlib] = links;
    assert.equal(file.target?.scheme, "file");
    assert.equal(file.target?.fsPath, "/work/acme/controls/appsec.polic");
    assert.equal(file.target?.fragment, "L30,9");
    assert.equal(file.range.start.character, lines[0].indexOf("controls/"));
    assert.equal(file.range.end.character, lines[0].length);
    assert.equal(stdlib.target?.scheme, STDLIB_SCHEME);
    assert.equal(stdlib.target?.path, "/nist80053.polic");
    assert.equal(stdlib.target?.fragment, "L883,12");
    assert.equal(stdlib.range.start.line, 1);
  });
});

describe("diagnostic codes", () => {
  it("are explained by a code action each", () => {
    const diagnostics = [
      { code: "P0102" },
      { code: { value: "P0201", target: Uri.from({ scheme: "https", path: "/d" }) } },
      { code: "P0102" },
      { code: "E42" },
      { code: undefined },
    ];
    const actions = new ExplainCodeActions().provideCodeActions(
      undefined as never,
      undefined as never,
      { diagnostics } as never,
    );
    assert.deepEqual(
      actions.map((a) => [a.title, a.command?.command, a.command?.arguments]),
      [
        ["Explain P0102", "polic.explainCode", ["P0102"]],
        ["Explain P0201", "polic.explainCode", ["P0201"]],
      ],
    );
  });
});

describe("standard-library URIs", () => {
  it("round-trip a module name", () => {
    assert.equal(stdlibModule(stdlibUri("nist80053") as never), "nist80053");
    assert.equal(stdlibUri("asvs5").toString(), "polic-stdlib:///asvs5.polic");
    assert.equal(stdlibModule(Uri.from({ scheme: STDLIB_SCHEME, path: "/x/y.polic" }) as never), undefined);
  });
});

describe("the document selector", () => {
  const config = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T });

  it("sends polic files and, for their tags, source files of the configured languages", () => {
    const selector = documentSelector("polic-stdlib", config({ "sources.languages": ["python", "polic"] }));
    assert.deepEqual(selector, [
      { language: "polic", scheme: "file" },
      { language: "polic", scheme: "untitled" },
      { language: "polic", scheme: "polic-stdlib" },
      { language: "python", scheme: "file" },
    ]);
    const all = documentSelector("polic-stdlib", config({ "sources.languages": ["*"] }));
    assert.deepEqual(all.at(-1), { scheme: "file" });
    const unset = documentSelector("polic-stdlib", config({}));
    assert.equal(unset.length, 3 + DEFAULT_SOURCE_LANGUAGES.length);
  });
});

describe("initialization options", () => {
  const config = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T });

  it("send nothing the user did not set", () => {
    assert.deepEqual(initializationOptions(config({ "diagnostics.baseUrl": null })), {});
  });

  it("send the base URL and the delay", () => {
    assert.deepEqual(
      initializationOptions(
        config({ "diagnostics.baseUrl": " https://docs.example/diagnostics ", "diagnostics.delayMs": 99.6 }),
      ),
      { diagnosticsBaseUrl: "https://docs.example/diagnostics", diagnosticsDelayMs: 100 },
    );
    assert.deepEqual(initializationOptions(config({ "diagnostics.delayMs": -1 })), {});
  });

  it("cover exactly the server's Config fields", () => {
    const state = fs.readFileSync(path.join(repo, "lsp/src/state.rs"), "utf8");
    const struct = /pub struct Config \{([\s\S]*?)\n\}/.exec(state)?.[1] ?? "";
    const fields = [...struct.matchAll(/pub (\w+):/g)].map((m) =>
      m[1].replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
    );
    assert.ok(fields.length > 0, "found lsp/src/state.rs Config");
    const all = initializationOptions(
      config({ "diagnostics.baseUrl": "https://x", "diagnostics.delayMs": 5 }),
    );
    assert.deepEqual(Object.keys(all).sort(), fields.sort());
  });
});

describe("the polic binary", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "polic-binary-"));
  const script = (name: string, body: string) => {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  const withPath = <T>(value: string, f: () => T): T => {
    const saved = process.env.PATH;
    const home = process.env.HOME;
    process.env.PATH = value;
    process.env.HOME = scratch; // no ~/.cargo/bin/polic to find
    try {
      return f();
    } finally {
      process.env.PATH = saved;
      process.env.HOME = home;
    }
  };

  it("is found on PATH by its bare name", () => {
    const polic = script("polic", 'echo "polic 9.9.9"');
    assert.equal(withPath(`/nonexistent${path.delimiter}${scratch}`, () => resolveBinary("polic")), polic);
  });

  it("missing, says how to install it or set the path", () => {
    const error = withPath("/nonexistent", () => {
      try {
        resolveBinary("polic-missing");
      } catch (e) {
        return e;
      }
      return undefined;
    });
    assert.ok(error instanceof BinaryError);
    assert.match(error.message, /`polic-missing` is not on PATH/);
    assert.match(error.message, /cargo install --path compiler\/cli/);
    assert.match(error.message, /polic\.server\.path/);
  });

  it("given as a path, must be an executable file", () => {
    fs.writeFileSync(path.join(scratch, "not-executable"), "", { mode: 0o644 });
    assert.throws(() => resolveBinary(path.join(scratch, "not-executable")), /is not an executable file/);
    assert.throws(() => resolveBinary("/nonexistent/polic"), BinaryError);
  });

  it("given relative, is taken from the first workspace folder", () => {
    const polic = script("polic-relative", 'echo "polic 9.9.9"');
    folders.push({ uri: Uri.file(scratch), name: "w", index: 0 });
    try {
      assert.equal(resolveBinary("./polic-relative"), polic);
      assert.equal(resolveBinary("${workspaceFolder}/polic-relative"), polic);
    } finally {
      folders.length = 0;
    }
  });

  it("reports its version, and is refused if it is not polic", async () => {
    settings["polic.server.path"] = script("polic-ok", 'echo "polic 9.9.9"');
    assert.deepEqual(await locate(), { path: settings["polic.server.path"], version: "polic 9.9.9" });
    settings["polic.server.path"] = script("polic-other", 'echo "something else 1.0"');
    await assert.rejects(locate(), /is not polic/);
    settings["polic.server.path"] = script("polic-broken", "exit 3");
    await assert.rejects(locate(), /--version` failed/);
    delete settings["polic.server.path"];
  });
});

describe("the manifest", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(extension, "package.json"), "utf8"));
  const source = fs.readFileSync(path.join(extension, "src/extension.ts"), "utf8");

  it("names files that exist", () => {
    const files = [
      manifest.icon,
      ...manifest.contributes.languages.flatMap((l: { configuration?: string; icon?: { light: string; dark: string } }) =>
        [l.configuration, l.icon?.light, l.icon?.dark].filter(Boolean),
      ),
      ...manifest.contributes.grammars.map((g: { path: string }) => g.path),
      ...manifest.contributes.snippets.map((s: { path: string }) => s.path),
    ];
    for (const file of files) assert.ok(fs.existsSync(path.join(extension, file)), file);
  });

  it("has a handler for every command", () => {
    for (const { command } of manifest.contributes.commands) {
      assert.ok(source.includes(`"${command}"`), `${command} is registered`);
    }
  });

  it("declares the default source languages the code uses", () => {
    const setting = manifest.contributes.configuration.properties["polic.sources.languages"];
    assert.deepEqual(setting.default, DEFAULT_SOURCE_LANGUAGES);
  });

  it("has a setting for every initialization option", () => {
    const properties = Object.keys(manifest.contributes.configuration.properties);
    for (const key of ["polic.server.path", "polic.diagnostics.baseUrl", "polic.diagnostics.delayMs", "polic.trace.server"]) {
      assert.ok(properties.includes(key), key);
    }
  });
});
