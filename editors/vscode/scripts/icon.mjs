// Renders images/icon.svg to images/icon.png (128x128, transparent) with headless Chromium.
// Usage: node scripts/icon.mjs   ($CHROMIUM names the browser; default chromium)

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { crop } from "./png.mjs";

const images = fileURLToPath(new URL("../images/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "polic-icon-"));
try {
  const html = join(work, "icon.html");
  const svg = readFileSync(join(images, "icon.svg"), "utf8");
  writeFileSync(html, `<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const shot = join(work, "shot.png");
  execFileSync(process.env.CHROMIUM ?? "chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--hide-scrollbars", `--user-data-dir=${join(work, "profile")}`,
    "--default-background-color=00000000", "--window-size=400,400", `--screenshot=${shot}`,
    pathToFileURL(html).href,
  ], { stdio: ["ignore", "ignore", "pipe"] });
  writeFileSync(join(images, "icon.png"), crop(readFileSync(shot), 128, 128));
  console.log("images/icon.png: 128x128");
} finally {
  rmSync(work, { recursive: true, force: true });
}
