// The few parts of the `vscode` API that the unit-tested modules touch, for running them
// under node's test runner (the real API exists only inside VS Code).

import * as path from "node:path";

export const settings: Record<string, unknown> = {};
export const folders: { uri: Uri; name: string; index: number }[] = [];

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static from(c: { scheme: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.path ?? "", c.query ?? "", c.fragment ?? "");
  }
  static file(p: string): Uri {
    return new Uri("file", path.resolve(p), "", "");
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: { fragment?: string; query?: string }): Uri {
    return new Uri(this.scheme, this.path, c.query ?? this.query, c.fragment ?? this.fragment);
  }
  toString(): string {
    const p = this.path.split("/").map(encodeURIComponent).join("/");
    return `${this.scheme}://${p}${this.query ? `?${this.query}` : ""}${this.fragment ? `#${this.fragment}` : ""}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(l1: number, c1: number, l2: number, c2: number) {
    this.start = new Position(l1, c1);
    this.end = new Position(l2, c2);
  }
}

export class DocumentLink {
  constructor(
    readonly range: Range,
    readonly target: Uri,
  ) {}
}

export class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return { dispose() {} };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {}
}

export enum SymbolKind {
  File = 0, Module = 1, Namespace = 2, Package = 3, Class = 4, Method = 5, Property = 6,
  Field = 7, Constructor = 8, Enum = 9, Interface = 10, Function = 11, Variable = 12,
  Constant = 13, String = 14, Number = 15, Boolean = 16, Array = 17, Object = 18, Key = 19,
  Null = 20, EnumMember = 21, Struct = 22, Event = 23, Operator = 24, TypeParameter = 25,
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind("");
  constructor(readonly value: string) {}
}

export class CodeAction {
  command?: { title: string; command: string; arguments?: unknown[] };
  constructor(
    readonly title: string,
    readonly kind?: CodeActionKind,
  ) {}
}

export enum ViewColumn { Active = -1, Beside = -2 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }

export const workspace = {
  getConfiguration: (section: string) => ({
    get: <T>(key: string): T | undefined => settings[`${section}.${key}`] as T | undefined,
  }),
  get workspaceFolders() {
    return folders.length ? folders : undefined;
  },
  getWorkspaceFolder: (uri: Uri) => folders.find((f) => uri.path.startsWith(f.uri.path + "/")),
  textDocuments: [],
};

export const window = {};
export const commands = {};
export const languages = {};
