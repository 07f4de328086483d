// "Polic: Explain this control" and "Polic: Show trace": what is under the cursor (from
// the server's hover, else the enclosing definition, else a pick) is traced by
// `polic explain KIND NAME .` in its workspace folder, and the trace opens read-only beside
// the editor, its source locations as links.

import * as path from "node:path";
import * as vscode from "vscode";

import { run } from "./binary";
import { STDLIB_SCHEME } from "./stdlib";

export const TRACE_SCHEME = "polic-trace";

export type Kind = "control" | "clause" | "archetype" | "app";
const KINDS: Kind[] = ["control", "clause", "archetype", "app"];

export interface Target {
  kind: Kind;
  name: string;
}

/** What a hover's first line names: `**control** \`sast\``, `**clause** \`iso27001#A.8.25\``,
 * or an obligation, which stands for its control. Exported for the tests. */
export function targetFromHoverText(text: string): Target | undefined {
  const obligation = /^\*\*obligation\*\* `[^`]+` of control `([^`]+)`/m.exec(text);
  if (obligation) return { kind: "control", name: obligation[1] };
  const match = /^\*\*(control|clause|archetype|app)\*\* `([^`]+)`/m.exec(text);
  return match ? { kind: match[1] as Kind, name: match[2] } : undefined;
}

async function targetFromHover(
  document: vscode.TextDocument,
  position: vscode.Position,
): Promise<Target | undefined> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    "vscode.executeHoverProvider",
    document.uri,
    position,
  );
  for (const hover of hovers ?? []) {
    for (const content of hover.contents) {
      const text = typeof content === "string" ? content : content.value;
      const target = targetFromHoverText(text);
      if (target) return target;
    }
  }
  return undefined;
}

/** The innermost definition around the position that can be traced, from the server's
 * outline: a control (or an obligation's control), an archetype, an app or a clause. */
async function targetFromOutline(
  document: vscode.TextDocument,
  position: vscode.Position,
): Promise<Target | undefined> {
  const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
    "vscode.executeDocumentSymbolProvider",
    document.uri,
  );
  let found: Target | undefined;
  const visit = (nodes: vscode.DocumentSymbol[] | undefined, ancestors: vscode.DocumentSymbol[]) => {
    for (const node of nodes ?? []) {
      if (!node.range.contains(position)) continue;
      const target = outlineTarget(node, ancestors);
      if (target) found = target;
      visit(node.children, [...ancestors, node]);
    }
  };
  visit(symbols, []);
  return found;
}

function outlineTarget(
  node: vscode.DocumentSymbol,
  ancestors: vscode.DocumentSymbol[],
): Target | undefined {
  switch (node.kind) {
    case vscode.SymbolKind.Function:
      return { kind: "control", name: node.name };
    case vscode.SymbolKind.Method: {
      const control = [...ancestors].reverse().find((a) => a.kind === vscode.SymbolKind.Function);
      return control && { kind: "control", name: control.name };
    }
    case vscode.SymbolKind.Class:
      return { kind: "archetype", name: node.name };
    case vscode.SymbolKind.Struct:
      return { kind: "app", name: node.name };
    case vscode.SymbolKind.Constant: {
      const standard = ancestors.find((a) => a.kind === vscode.SymbolKind.Package);
      return standard && node.name.startsWith("#")
        ? { kind: "clause", name: standard.name + node.name }
        : undefined;
    }
    default:
      return undefined;
  }
}

const SYMBOL_KINDS: Map<vscode.SymbolKind, Kind> = new Map([
  [vscode.SymbolKind.Function, "control"],
  [vscode.SymbolKind.Constant, "clause"],
  [vscode.SymbolKind.Class, "archetype"],
  [vscode.SymbolKind.Struct, "app"],
]);

/** A pick among the workspace's definitions of the given kinds, searched as one types. */
function pickTarget(kinds: Kind[]): Promise<Target | undefined> {
  type Item = vscode.QuickPickItem & { target: Target };
  const pick = vscode.window.createQuickPick<Item>();
  pick.placeholder = `The ${kinds.join(", ")} to trace (type to search the workspace)`;
  pick.matchOnDescription = true;
  let generation = 0;
  const search = async (query: string) => {
    const mine = ++generation;
    pick.busy = true;
    const symbols =
      (await vscode.commands.executeCommand<vscode.SymbolInformation[]>(
        "vscode.executeWorkspaceSymbolProvider",
        query,
      )) ?? [];
    if (mine !== generation) return;
    pick.items = symbols.flatMap((symbol) => {
      const kind = SYMBOL_KINDS.get(symbol.kind);
      if (!kind || !kinds.includes(kind)) return [];
      return [
        {
          label: symbol.name,
          description: kind,
          detail: symbol.containerName || undefined,
          target: { kind, name: symbol.name },
        },
      ];
    });
    pick.busy = false;
  };
  return new Promise((resolve) => {
    pick.onDidChangeValue((value) => void search(value));
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.target);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
    void search("");
  });
}

/** The folder `polic explain` runs in: the document's workspace folder, else the first
 * one (a standard-library document), else the document's own directory. */
function rootOf(document: vscode.TextDocument): string | undefined {
  const folder =
    vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder) return folder.uri.fsPath;
  return document.uri.scheme === "file" ? path.dirname(document.uri.fsPath) : undefined;
}

/** The read-only trace documents and the links in them. */
export class TraceDocuments
  implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider
{
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "This trace is no longer available: run the command again.";
  }

  /** Opens `text` beside the editor, titled `title`, in `language`; locations in it are
   * relative to `root`. */
  async show(
    title: string,
    root: string | undefined,
    text: string,
    language = "polic-trace",
  ): Promise<void> {
    const uri = vscode.Uri.from({
      scheme: TRACE_SCHEME,
      path: `/${title}`,
      query: root ? new URLSearchParams({ root }).toString() : "",
    });
    this.texts.set(uri.toString(), text);
    this.changes.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, language);
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: false,
      preview: true,
    });
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const root = new URLSearchParams(document.uri.query).get("root");
    if (!root) return [];
    const links: vscode.DocumentLink[] = [];
    const location = /(<stdlib>\/([A-Za-z0-9_-]+)\.polic|[^\s"]+\.polic):(\d+):(\d+)/g;
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      for (const match of text.matchAll(location)) {
        const [whole, file, module, row, column] = match;
        const fragment = `L${row},${column}`;
        const target = module
          ? vscode.Uri.from({ scheme: STDLIB_SCHEME, path: `/${module}.polic`, fragment })
          : vscode.Uri.file(path.resolve(root, file)).with({ fragment });
        const start = match.index ?? 0;
        links.push(
          new vscode.DocumentLink(new vscode.Range(line, start, line, start + whole.length), target),
        );
      }
    }
    return links;
  }
}

/** Runs `polic explain` on what the cursor is on (or its enclosing definition), restricted to
 * `kinds`, and shows the trace. */
export async function explainAtCursor(
  binary: () => Promise<string | undefined>,
  traces: TraceDocuments,
  kinds: Kind[] = KINDS,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  let target: Target | undefined;
  let root: string | undefined = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (editor && editor.document.languageId === "polic") {
    const { document, selection } = editor;
    root = rootOf(document);
    const fromHover = await targetFromHover(document, selection.active);
    target =
      fromHover && kinds.includes(fromHover.kind)
        ? fromHover
        : await targetFromOutline(document, selection.active);
    if (target && !kinds.includes(target.kind)) target = undefined;
  }
  target ??= await pickTarget(kinds);
  if (!target) return;
  if (!root) {
    void vscode.window.showErrorMessage("polic: open a folder with .polic files to trace a definition.");
    return;
  }
  const polic = await binary();
  if (!polic) return;
  const title = `${target.kind} ${target.name}`;
  try {
    const text = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `polic explain ${title}` },
      () => run(polic, ["explain", target.kind, target.name, "."], { cwd: root }),
    );
    const unsaved = vscode.workspace.textDocuments.some(
      (d) => d.isDirty && d.languageId === "polic",
    );
    const note = unsaved
      ? "// From the files on disk: unsaved changes are not included.\n\n"
      : "";
    await traces.show(title, root, note + text);
  } catch (error) {
    void vscode.window.showErrorMessage(`polic explain ${title}: ${(error as Error).message}`);
  }
}

/** A diagnostic's polic code (`P0102`), if it has one. */
function policCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/** "Explain P0102" on every polic diagnostic: runs `polic explain P0102`. */
export class ExplainCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.Empty];

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const codes = new Set(context.diagnostics.map(policCode).filter((c) => c !== undefined));
    return [...codes].map((code) => {
      const action = new vscode.CodeAction(`Explain ${code}`, vscode.CodeActionKind.Empty);
      action.command = { title: `Explain ${code}`, command: "polic.explainCode", arguments: [code] };
      return action;
    });
  }
}

/** "Polic: Explain diagnostic code": `polic explain CODE`, for a code given or asked for. */
export async function explainCode(
  binary: () => Promise<string | undefined>,
  traces: TraceDocuments,
  code?: string,
): Promise<void> {
  code ??= await vscode.window.showInputBox({
    prompt: "A diagnostic code (P0102) or lint name (unused)",
    validateInput: (value) => (value.trim() ? undefined : "Give a code or a lint name"),
  });
  code = code?.trim();
  if (!code) return;
  const polic = await binary();
  if (!polic) return;
  try {
    await traces.show(code, undefined, await run(polic, ["explain", code]), "markdown");
  } catch (error) {
    void vscode.window.showErrorMessage(`polic explain ${code}: ${(error as Error).message}`);
  }
}
