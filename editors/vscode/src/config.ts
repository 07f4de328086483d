// The settings the server reads at initialize.

import * as vscode from "vscode";

export interface InitializationOptions {
  diagnosticsBaseUrl?: string;
  diagnosticsDelayMs?: number;
}

/** The languages whose files are sent to the server for their `polic:` tags by default. */
export const DEFAULT_SOURCE_LANGUAGES = [
  "c", "cpp", "csharp", "go", "java", "javascript", "javascriptreact", "kotlin", "php",
  "python", "ruby", "rust", "scala", "shellscript", "sql", "swift", "terraform",
  "typescript", "typescriptreact", "yaml", "dockerfile", "html", "xml", "markdown",
];

export interface DocumentFilter {
  language?: string;
  scheme: string;
}

/**
 * The documents the server sees: polic files, the standard library, and source files of
 * the `polic.sources.languages` setting (`["*"]`: every file) for their `polic:` tags.
 */
export function documentSelector(
  stdlibScheme: string,
  config: Pick<vscode.WorkspaceConfiguration, "get"> = vscode.workspace.getConfiguration("polic"),
): DocumentFilter[] {
  const selector: DocumentFilter[] = [
    { language: "polic", scheme: "file" },
    { language: "polic", scheme: "untitled" },
    { language: "polic", scheme: stdlibScheme },
  ];
  const languages = config.get<string[]>("sources.languages") ?? DEFAULT_SOURCE_LANGUAGES;
  if (languages.includes("*")) {
    selector.push({ scheme: "file" });
  } else {
    for (const language of languages.filter((l) => typeof l === "string" && l !== "polic")) {
      selector.push({ language, scheme: "file" });
    }
  }
  return selector;
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
