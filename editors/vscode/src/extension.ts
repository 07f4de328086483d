// The polic extension: starts `polic lsp` with vscode-languageclient, and adds the
// commands, the standard-library and trace documents, and a language status item.

import * as vscode from "vscode";
import {
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  type Location as LspLocation,
  type Position as LspPosition,
  RevealOutputChannelOn,
  State,
} from "vscode-languageclient/node";

import { type Binary, BinaryError, locate } from "./binary";
import { documentSelector, initializationOptions } from "./config";
import { openStdlibModule, STDLIB_SCHEME, StdlibDocuments } from "./stdlib";
import { ExplainCodeActions, explainAtCursor, explainCode, TRACE_SCHEME, TraceDocuments } from "./trace";

let client: LanguageClient | undefined;
let binary: Binary | undefined;
/** The start or restart in progress: commands wait for it rather than race it. */
let lifecycle: Promise<void> = Promise.resolve();

let output: vscode.LogOutputChannel;
let traceOutput: vscode.LogOutputChannel;
let status: vscode.LanguageStatusItem;

function setStatus(text: string, severity: vscode.LanguageStatusSeverity, detail: string) {
  status.text = text;
  status.severity = severity;
  status.detail = detail;
}

async function showMissingBinary(message: string): Promise<void> {
  output.error(message);
  setStatus("polic: no server", vscode.LanguageStatusSeverity.Error, "the polic binary was not found");
  status.command = { title: "Set path", command: "workbench.action.openSettings", arguments: ["polic.server.path"] };
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Retry", "Show Log");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "polic.server.path");
  } else if (choice === "Retry") {
    await restart();
  } else if (choice === "Show Log") {
    output.show(true);
  }
}

async function startClient(): Promise<void> {
  try {
    binary = await locate();
  } catch (error) {
    binary = undefined;
    if (error instanceof BinaryError) {
      void showMissingBinary(error.message);
      return;
    }
    throw error;
  }
  output.info(`starting ${binary.version}: ${binary.path} lsp`);
  const server: Executable = { command: binary.path, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(STDLIB_SCHEME),
    initializationOptions: initializationOptions(),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    markdown: { isTrusted: false, supportHtml: false },
    initializationFailedHandler: (error) => {
      output.error(`the server failed to initialize: ${String(error)}`);
      void vscode.window
        .showErrorMessage(`polic: the language server failed to start: ${String(error)}`, "Show Log")
        .then((choice) => choice && output.show(true));
      return false;
    },
  };
  const started = new LanguageClient("polic", "polic Language Server", { run: server, debug: server }, clientOptions);
  started.onDidChangeState(({ newState }) => {
    if (newState === State.Running) {
      setStatus(binary?.version ?? "polic", vscode.LanguageStatusSeverity.Information, "language server running");
      status.command = { title: "Restart", command: "polic.restartServer" };
    } else if (newState === State.Stopped) {
      setStatus("polic: stopped", vscode.LanguageStatusSeverity.Warning, "language server stopped");
      status.command = { title: "Restart", command: "polic.restartServer" };
    }
  });
  client = started;
  setStatus("polic: starting", vscode.LanguageStatusSeverity.Information, binary.path);
  try {
    await started.start();
  } catch (error) {
    output.error(String(error));
    setStatus("polic: failed", vscode.LanguageStatusSeverity.Error, String(error));
  }
}

async function stopClient(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (!stopping) return;
  try {
    if (stopping.isRunning()) await stopping.stop(5_000);
  } catch (error) {
    output.warn(`stopping the server: ${String(error)}`);
  }
  try {
    await stopping.dispose();
  } catch {
    // A client that never started cannot be stopped: there is nothing left to release.
  }
}

function restart(): Promise<void> {
  // After a failed start or stop too: each restart starts from whatever state is left.
  lifecycle = lifecycle.catch(() => undefined).then(async () => {
    await stopClient();
    await startClient();
  });
  return lifecycle;
}

/** The binary's path for the commands that run `polic` themselves; reports a missing one. */
async function policPath(): Promise<string | undefined> {
  await lifecycle.catch(() => undefined);
  if (binary) return binary.path;
  try {
    binary = await locate();
    return binary.path;
  } catch (error) {
    if (error instanceof BinaryError) {
      void showMissingBinary(error.message);
      return undefined;
    }
    throw error;
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("polic Language Server", { log: true });
  traceOutput = vscode.window.createOutputChannel("polic Language Server Trace", { log: true });
  status = vscode.languages.createLanguageStatusItem("polic.server", { language: "polic" });
  status.name = "polic language server";
  const traces = new TraceDocuments();
  const stdlib = new StdlibDocuments(() => client, policPath);

  context.subscriptions.push(
    output,
    traceOutput,
    status,
    vscode.workspace.registerTextDocumentContentProvider(STDLIB_SCHEME, stdlib),
    vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, traces),
    vscode.languages.registerDocumentLinkProvider({ scheme: TRACE_SCHEME }, traces),
    vscode.commands.registerCommand("polic.restartServer", () => restart()),
    vscode.commands.registerCommand("polic.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("polic.explainControl", () =>
      explainAtCursor(policPath, traces, ["control"]),
    ),
    vscode.commands.registerCommand("polic.showTrace", () => explainAtCursor(policPath, traces)),
    vscode.commands.registerCommand("polic.openStdlib", () => openStdlibModule(policPath)),
    vscode.commands.registerCommand("polic.explainCode", (code?: string) =>
      explainCode(policPath, traces, typeof code === "string" ? code : undefined),
    ),
    // A code lens's command (the apps of a control, the controls of a clause): the server
    // sends protocol values, which `editor.action.showReferences` takes only as VS Code's.
    vscode.commands.registerCommand(
      "polic.showReferences",
      (uri: string, position: LspPosition, locations: LspLocation[]) => {
        if (!client) return;
        const convert = client.protocol2CodeConverter;
        return vscode.commands.executeCommand(
          "editor.action.showReferences",
          convert.asUri(uri),
          convert.asPosition(position),
          locations.map((location) => convert.asLocation(location)),
        );
      },
    ),
    vscode.languages.registerCodeActionsProvider({ language: "polic" }, new ExplainCodeActions(), {
      providedCodeActionKinds: ExplainCodeActions.kinds,
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The server reads its options once, at initialize: a change restarts it.
      if (event.affectsConfiguration("polic.server") || event.affectsConfiguration("polic.diagnostics")) {
        binary = undefined;
        void restart();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // A workspace's own `polic.server.path` applies once it is trusted.
      binary = undefined;
      void restart();
    }),
  );
  lifecycle = startClient();
  await lifecycle;
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
