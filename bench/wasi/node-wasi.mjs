// Runs a WASI command under node's own WASI (node:wasi, preview 1) with DIR
// preopened as /data. Usage: node node-wasi.mjs FILE.wasm DIR ARGS...
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";

const [file, dir, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [file, ...args], preopens: { "/data": dir } });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
