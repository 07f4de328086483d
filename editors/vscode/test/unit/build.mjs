// Bundles the unit tests with the `vscode` module replaced by the stub, into dist-test/.
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: ["test/unit/extension.test.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  outdir: "dist-test",
  alias: { vscode: "./test/unit/vscode-stub.ts" },
  logLevel: "warning",
});
