// Smoke test of the bundled extension (dist/extension.js) outside VS Code: `vscode` is a
// permissive stand-in (every API a no-op, but for what is checked), and the extension is
// activated on examples/acme. It must find the polic binary, start the real `polic lsp`
// through vscode-languageclient with the settings' initialization options, serve a
// standard-library document through the server, restart, and stop; given a binary that
// is not installed, say so and how to fix it; given one whose server dies, recover on
// restart.
//
// Usage: node test/smoke/run.cjs   (POLIC names the binary; default target/debug/polic)

const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const extension = path.resolve(__dirname, "../..");
const repo = path.resolve(extension, "../..");
const polic = process.env.POLIC ?? path.join(repo, "target/debug/polic");

/** Anything: callable, constructible, every property another one; a no-op Disposable. */
function anything(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_, key) {
      if (key === "then") return undefined; // not a promise
      if (key === Symbol.toPrimitive) return () => `[${name}]`;
      if (key === Symbol.iterator) return [][Symbol.iterator].bind([]);
      if (key === Symbol.hasInstance) return () => false;
      if (key === "dispose") return () => {};
      if (typeof key === "symbol") return undefined;
      return anything(`${name}.${key}`);
    },
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`),
  });
}

class Uri {
  constructor(scheme, authority, path, query, fragment) {
    Object.assign(this, { scheme, authority, path, query, fragment });
  }
  static parse(value) {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(value);
    return new Uri(m[1], m[2] ?? "", decodeURIComponent(m[3]), m[4] ?? "", m[5] ?? "");
  }
  static file(p) {
    return new Uri("file", "", path.resolve(p), "", "");
  }
  static from(c) {
    return new Uri(c.scheme, c.authority ?? "", c.path ?? "", c.query ?? "", c.fragment ?? "");
  }
  get fsPath() {
    return this.path;
  }
  with(c) {
    return Uri.from({ ...this, ...c });
  }
  toString() {
    const encoded = this.path.split("/").map(encodeURIComponent).join("/");
    return `${this.scheme}://${this.authority}${encoded}${this.query ? `?${this.query}` : ""}${this.fragment ? `#${this.fragment}` : ""}`;
  }
  toJSON() {
    return this.toString();
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return { dispose: () => {} };
    };
  }
  fire(value) {
    for (const l of this.listeners) l(value);
  }
  dispose() {}
}

class Disposable {
  constructor(f) {
    this.f = f;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i?.dispose?.()));
  }
  dispose() {
    this.f?.();
  }
}

const log = [];
const channel = (name) => {
  const write = (level) => (message) => log.push(`[${name}] ${level} ${message}`);
  return {
    name,
    logLevel: 2,
    onDidChangeLogLevel: () => ({ dispose() {} }),
    append: write("append"),
    appendLine: write("line"),
    replace: () => {},
    clear: () => {},
    show: () => {},
    hide: () => {},
    dispose: () => {},
    trace: write("trace"),
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
  };
};

const contentProviders = new Map();
const commands = new Map();
const statusItems = [];
const errors = [];
const settings = {
  "polic.server.path": polic,
  "polic.diagnostics.delayMs": 10,
  "polic.diagnostics.baseUrl": "https://docs.example/diagnostics.md",
  "polic.trace.server": "verbose",
};
const folder = { uri: Uri.file(path.join(repo, "examples/acme")), name: "acme", index: 0 };

const api = {
    version: "1.91.0",
    Uri,
    EventEmitter,
    Disposable,
    env: { language: "en", appName: "smoke", machineId: "smoke", uriScheme: "vscode" },
    workspace: new Proxy(
      {
        workspaceFolders: [folder],
        textDocuments: [],
        notebookDocuments: [],
        getConfiguration: (section) => ({
          get: (key, fallback) => settings[section ? `${section}.${key}` : key] ?? fallback,
          has: () => false,
          inspect: () => undefined,
          update: async () => {},
        }),
        getWorkspaceFolder: () => folder,
        registerTextDocumentContentProvider: (scheme, provider) => {
          if (!contentProviders.has(scheme)) contentProviders.set(scheme, []);
          contentProviders.get(scheme).push(provider);
          return new Disposable(() => {
            const list = contentProviders.get(scheme);
            list.splice(list.indexOf(provider), 1);
          });
        },
      },
      { get: (t, k) => (k in t ? t[k] : anything(`workspace.${String(k)}`)) },
    ),
    window: new Proxy(
      {
        createOutputChannel: (name) => channel(name),
        showErrorMessage: async (message) => {
          errors.push(message);
          return undefined;
        },
        showWarningMessage: async (message) => {
          errors.push(message);
          return undefined;
        },
        showInformationMessage: async () => undefined,
        visibleTextEditors: [],
        activeTextEditor: undefined,
        tabGroups: { all: [] },
      },
      { get: (t, k) => (k in t ? t[k] : anything(`window.${String(k)}`)) },
    ),
    commands: new Proxy(
      {
        registerCommand: (id, handler) => {
          commands.set(id, handler);
          return new Disposable(() => commands.delete(id));
        },
      },
      { get: (t, k) => (k in t ? t[k] : anything(`commands.${String(k)}`)) },
    ),
    languages: new Proxy(
      {
        createLanguageStatusItem: (id) => {
          const item = { id, dispose() {} };
          statusItems.push(item);
          return item;
        },
        match: () => 0,
      },
      { get: (t, k) => (k in t ? t[k] : anything(`languages.${String(k)}`)) },
    ),
};
// Bundled modules copy the namespace's own properties (esbuild's __toESM): give it every
// name the API declares (@types/vscode), each a stand-in unless defined above.
const declarations = fs.readFileSync(require.resolve("@types/vscode/index.d.ts"), "utf8");
for (const [, name] of declarations.matchAll(
  /^\s*export (?:declare )?(?:class|enum|namespace|function|const|let|var|interface|type) ([A-Za-z_]\w*)/gm,
)) {
  if (!(name in api)) api[name] = anything(`vscode.${name}`);
}
const vscode = api;

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : load.call(this, request, ...rest);
};

const until = async (what, condition, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log.join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

(async () => {
  const main = require(path.join(extension, "dist/extension.js"));
  const context = { subscriptions: [], extensionPath: extension, extensionUri: Uri.file(extension) };
  await main.activate(context);
  const status = statusItems[0];
  const version = require("node:child_process").execFileSync(polic, ["--version"], { encoding: "utf8" }).trim();
  await until("the server to run", () => status.text === version);
  assert.deepEqual(errors, []);
  assert.ok(log.some((l) => l.includes(`starting ${version}: ${polic} lsp`)), "logged the start");

  // The standard library through the server: vscode-languageclient's provider (LSP 3.18
  // textDocumentContent) and the extension's own (polic/stdlib, else the command line).
  const uri = Uri.parse("polic-stdlib:///iso27001.polic");
  const expected = fs.readFileSync(path.join(repo, "stdlib/iso27001.polic"), "utf8");
  const providers = contentProviders.get("polic-stdlib") ?? [];
  assert.equal(providers.length, 2, "two providers for polic-stdlib: the client's and the extension's");
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
  for (const provider of providers) {
    assert.equal(await provider.provideTextDocumentContent(uri, token), expected);
  }

  for (const id of ["polic.explainControl", "polic.showTrace", "polic.restartServer", "polic.showOutput", "polic.openStdlib", "polic.explainCode"]) {
    assert.ok(commands.has(id), `${id} is registered`);
  }
  // Let the server's requests after `initialized` (file watchers) be answered first.
  await new Promise((r) => setTimeout(r, 500));
  status.text = "";
  await commands.get("polic.restartServer")();
  await until("the server to run again", () => status.text === version);

  await new Promise((r) => setTimeout(r, 500));
  await main.deactivate();
  await until("the server to stop", () => status.text === "polic: stopped");
  // Without the server, the extension's provider falls back to `polic stdlib NAME`.
  const own = contentProviders.get("polic-stdlib").at(-1);
  assert.equal(await own.provideTextDocumentContent(uri, token), expected);
  assert.deepEqual(errors, []);
  assert.deepEqual(log.filter((l) => / error /.test(l)), [], "no errors logged");

  // A binary that is not there: a clear error with the fix, and a status that says so.
  settings["polic.server.path"] = "polic-not-installed";
  process.env.PATH = "/nonexistent";
  process.env.HOME = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "polic-smoke-"));
  await main.activate({ subscriptions: [], extensionPath: extension, extensionUri: Uri.file(extension) });
  await until("the error message", () => errors.length > 0);
  assert.match(errors[0], /`polic-not-installed` is not on PATH/);
  assert.match(errors[0], /cargo install --path compiler\/cli/);
  assert.match(errors[0], /polic\.server\.path/);
  assert.equal(statusItems.at(-1).text, "polic: no server");

  // A binary that runs but whose server dies at once: the start fails, and a restart with
  // a working binary recovers.
  const broken = path.join(process.env.HOME, "polic-broken");
  fs.writeFileSync(broken, '#!/bin/sh\nif [ "$1" = --version ]; then echo "polic 0.0.0"; else exit 3; fi\n', { mode: 0o755 });
  settings["polic.server.path"] = broken;
  await commands.get("polic.restartServer")();
  await until("the failed start", () => /failed|stopped/.test(statusItems.at(-1).text ?? ""));
  settings["polic.server.path"] = polic;
  await commands.get("polic.restartServer")();
  await until("the server to run after the failure", () => statusItems.at(-1).text === version);
  await main.deactivate();
  if (process.env.SMOKE_LOG) console.log(log.join("\n"));
  console.log("smoke: 1 passed, 0 failed");
  process.exit(0);
})().catch((error) => {
  console.error(error);
  console.error(log.join("\n"));
  console.log("smoke: 0 passed, 1 failed");
  process.exit(1);
});
