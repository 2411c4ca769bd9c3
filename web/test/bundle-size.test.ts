// The target: the whole widget, socket.io-client included, at most
// 60 KB minified and gzipped. Built in memory with the real build options.
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { options } from "../build.mjs";

const LIMIT_BYTES = 60 * 1024;

it("bundle is at most 60 KB minified and gzipped", async () => {
  const result = await build({ ...options, write: false });
  const bundle = result.outputFiles[0].contents;
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  console.log(`bundle: ${bundle.length} B minified, ${gzipped} B gzipped (limit ${LIMIT_BYTES} B)`);
  expect(gzipped).toBeLessThanOrEqual(LIMIT_BYTES);
  // Bot text must never be parsed as HTML anywhere in the widget's own code.
  expect(new TextDecoder().decode(bundle)).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML/);
}, 30000);
