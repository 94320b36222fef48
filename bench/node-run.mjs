// Runs the exported `run` function of a benchmark module under Node (V8) and
// prints its result as an unsigned 32-bit decimal, like bench/native-main.c.
// Usage: node bench/node-run.mjs FILE.wasm
import { readFile } from "node:fs/promises";

const file = process.argv[2];
if (!file) {
  console.error("usage: node node-run.mjs FILE.wasm");
  process.exit(2);
}
const bytes = await readFile(file);
const { instance } = await WebAssembly.instantiate(bytes, {});
const result = instance.exports.run();
console.log(String(result >>> 0));
