// A minimal language-server client over stdio, for the scripts: it starts `polic lsp`,
// sends requests and answers the server's own requests with null.

import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

export class LspClient {
  constructor(command, args = ["lsp"]) {
    this.process = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.stderr = "";
    this.exited = new Promise((resolve) => this.process.on("exit", resolve));
    this.process.on("error", (error) => this.failAll(error));
    this.process.on("exit", (code, signal) =>
      this.failAll(new Error(`polic lsp exited (${signal ?? code}): ${this.stderr.trim()}`)),
    );
    this.process.stderr.on("data", (chunk) => (this.stderr += chunk));
    this.process.stdout.on("data", (chunk) => this.receive(chunk));
  }

  failAll(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
    this.process.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.process.stdin.write(body);
  }

  request(method, params, timeoutMs = 60_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.send({ id, method, params });
    });
  }

  notify(method, params) {
    this.send({ method, params });
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const length = Number(/Content-Length:\s*(\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(message) {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (registerCapability, ...): accept it.
      this.send({ id: message.id, result: null });
    } else if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!pending) return;
      if (message.error) pending.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else pending.resolve(message.result);
    }
  }

  /// Initializes the server on one workspace folder; returns its capabilities.
  async initialize(root) {
    const uri = pathToFileURL(root).href;
    const result = await this.request("initialize", {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: "root" }],
      capabilities: {
        textDocument: {
          semanticTokens: {
            requests: { full: true },
            tokenTypes: [],
            tokenModifiers: [],
            formats: ["relative"],
          },
        },
      },
    });
    this.notify("initialized", {});
    return result.capabilities;
  }

  async stop() {
    try {
      await this.request("shutdown", null, 10_000);
      this.notify("exit", null);
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => this.process.kill(), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
