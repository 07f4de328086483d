// The settings the server reads at initialize.

import * as vscode from "vscode";

export interface InitializationOptions {
  diagnosticsBaseUrl?: string;
  diagnosticsDelayMs?: number;
}

/** What `polic lsp` reads from `initializationOptions` (lsp/src/state.rs, `Config`). */
export function initializationOptions(
  config: Pick<vscode.WorkspaceConfiguration, "get"> = vscode.workspace.getConfiguration("polic"),
): InitializationOptions {
  const options: InitializationOptions = {};
  const baseUrl = config.get<string | null>("diagnostics.baseUrl");
  if (typeof baseUrl === "string" && baseUrl.trim() !== "") {
    options.diagnosticsBaseUrl = baseUrl.trim();
  }
  const delay = config.get<number>("diagnostics.delayMs");
  if (typeof delay === "number" && Number.isFinite(delay) && delay >= 0) {
    options.diagnosticsDelayMs = Math.round(delay);
  }
  return options;
}
