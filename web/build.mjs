// Bundles src/main.ts (with socket.io-client) into one self-hosted, minified file.
// `node build.mjs` writes dist/spine-mri-chat.js; the size test reuses `options`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

export const options = {
  entryPoints: [fileURLToPath(new URL("src/main.ts", import.meta.url))],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  outfile: fileURLToPath(new URL("dist/spine-mri-chat.js", import.meta.url)),
  logLevel: "warning",
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build(options);
}
