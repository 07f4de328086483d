// Finding the `polic` binary the settings name, and checking that it runs.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export interface Binary {
  /** The absolute path that was found. */
  path: string;
  /** What `polic --version` printed, e.g. `polic 0.1.0`. */
  version: string;
}

/** Why the binary cannot be used: a message for the user, with the fix. */
export class BinaryError extends Error {}

/** The `polic.server.path` setting (in an untrusted workspace, VS Code reads only the
 * user's value: the setting is restricted in package.json). */
export function configuredPath(): string {
  const value = vscode.workspace.getConfiguration("polic").get<string>("server.path");
  return value?.trim() || "polic";
}

function firstFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where a command name is found: each `PATH` directory (with `PATHEXT` on Windows), then
 * `~/.cargo/bin`, where `cargo install` puts it and which an editor started from a desktop
 * launcher often lacks on its `PATH`. */
function searchPath(name: string): string | undefined {
  const extensions =
    process.platform === "win32"
      ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean)]
      : [""];
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  dirs.push(path.join(os.homedir(), ".cargo", "bin"));
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The absolute path the setting names, or a BinaryError saying what to do. */
export function resolveBinary(setting: string = configuredPath()): string {
  const folder = firstFolder();
  let value = setting.replace(/\$\{workspaceFolder\}/g, folder ?? "");
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    value = path.join(os.homedir(), value.slice(1));
  }
  const bare = !value.includes("/") && !value.includes("\\");
  if (bare) {
    const found = searchPath(value);
    if (found) return found;
    throw new BinaryError(
      `Cannot start the polic language server: \`${value}\` is not on PATH (nor in ~/.cargo/bin). ` +
        "Install polic (from a polic checkout: `cargo install --path compiler/cli`), " +
        "or set `polic.server.path` to the polic binary.",
    );
  }
  const absolute = path.isAbsolute(value) ? value : path.resolve(folder ?? process.cwd(), value);
  if (isExecutable(absolute)) return absolute;
  throw new BinaryError(
    `Cannot start the polic language server: \`polic.server.path\` is \`${setting}\`, ` +
      `and ${absolute} is not an executable file. Set \`polic.server.path\` to the polic binary, ` +
      "or clear it to use `polic` from PATH.",
  );
}

/** Runs the binary with `args`; resolves with its standard output, rejects with an Error
 * whose message is its standard error (or why it could not run). */
export function run(
  binary: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1" },
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || error.message;
          reject(new Error(detail));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Resolves the configured binary and asks it for its version. */
export async function locate(): Promise<Binary> {
  const found = resolveBinary();
  let version: string;
  try {
    version = (await run(found, ["--version"], { timeoutMs: 15_000 })).trim();
  } catch (error) {
    throw new BinaryError(
      `Cannot start the polic language server: \`${found} --version\` failed (${(error as Error).message}). ` +
        "Check `polic.server.path`.",
    );
  }
  if (!version.startsWith("polic")) {
    throw new BinaryError(
      `Cannot start the polic language server: ${found} is not polic (\`--version\` printed "${version}"). ` +
        "Check `polic.server.path`.",
    );
  }
  return { path: found, version };
}
