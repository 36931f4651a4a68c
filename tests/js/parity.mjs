// Runs pages/live/decoder.js in Node: reads {"spec", "z": [[...], ...]} as JSON from argv[2],
// writes the decoded pixels ([[784 numbers], ...]) as JSON to argv[3].
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = readFileSync(join(here, "..", "..", "pages", "live", "decoder.js"), "utf8");
const { makeDecoder } = new Function(`${src}; return { makeDecoder };`)();
const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const dec = makeDecoder(input.spec);
const out = input.z.map((z) => Array.from(dec.decode(Float64Array.from(z), new Float64Array(dec.outSize))));
writeFileSync(process.argv[3], JSON.stringify(out));
