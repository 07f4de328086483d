// The standard library's read-only documents, `polic-stdlib:///NAME.polic`: where go to
// definition leads into `std.nist80053` and the others. While the server runs, its
// `polic/stdlib` request gives the text (vscode-languageclient also registers the LSP 3.18
// `workspace/textDocumentContent` provider the server announces); when it does not,
// `polic stdlib NAME` does, so the documents still open.

import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

import { run } from "./binary";

export const STDLIB_SCHEME = "polic-stdlib";

/** The module a standard-library URI names (`polic-stdlib:///nist80053.polic`). */
export function stdlibModule(uri: vscode.Uri): string | undefined {
  return /^\/([A-Za-z0-9_-]+)\.polic$/.exec(uri.path)?.[1];
}

export function stdlibUri(module: string): vscode.Uri {
  return vscode.Uri.from({ scheme: STDLIB_SCHEME, path: `/${module}.polic` });
}

export class StdlibDocuments implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly binary: () => Promise<string | undefined>,
  ) {}

  async provideTextDocumentContent(
    uri: vscode.Uri,
    token: vscode.CancellationToken,
  ): Promise<string | undefined> {
    const module = stdlibModule(uri);
    if (!module) return undefined;
    const client = this.client();
    if (client?.isRunning()) {
      try {
        const text = await client.sendRequest<string | null>(
          "polic/stdlib",
          { uri: uri.toString() },
          token,
        );
        if (typeof text === "string") return text;
      } catch {
        // Fall back to the command line.
      }
    }
    const polic = await this.binary();
    if (!polic) return undefined;
    try {
      return await run(polic, ["stdlib", module]);
    } catch (error) {
      return `// polic stdlib ${module} failed: ${(error as Error).message}\n`;
    }
  }
}

/** "Polic: Open standard-library module": a pick among `polic stdlib`'s modules. */
export async function openStdlibModule(binary: () => Promise<string | undefined>): Promise<void> {
  const polic = await binary();
  if (!polic) return;
  let listing: string;
  try {
    listing = await run(polic, ["stdlib"]);
  } catch (error) {
    void vscode.window.showErrorMessage(`polic stdlib: ${(error as Error).message}`);
    return;
  }
  const items = listing.split("\n").flatMap((line) => {
    const match = /^std\.([A-Za-z0-9_-]+)\s+(.*)$/.exec(line.trim());
    return match ? [{ label: `std.${match[1]}`, detail: match[2], module: match[1] }] : [];
  });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: "The standard-library module to open",
    matchOnDetail: true,
  });
  if (!picked) return;
  const document = await vscode.workspace.openTextDocument(stdlibUri(picked.module));
  await vscode.window.showTextDocument(document, { preview: true });
}
