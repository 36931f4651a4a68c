// Runs ui/live/decoder.js in Node: reads a vae_core.export.pack payload {"spec", "z"} from
// argv[2], writes the decoded pixels ([[784 numbers], ...]) as JSON to argv[3].
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = readFileSync(join(here, "..", "..", "..", "ui", "live", "decoder.js"), "utf8");
const { makeDecoder, unpack } = new Function(`${src}; return { makeDecoder, unpack };`)();
const input = unpack(new Uint8Array(readFileSync(process.argv[2])));
const dec = makeDecoder(input.spec);
const d = dec.latentDim, n = input.z.length / d, out = [];
for (let k = 0; k < n; k++) {
  const z = Float64Array.from(input.z.subarray(k * d, (k + 1) * d));
  out.push(Array.from(dec.decode(z, new Float64Array(dec.outSize))));
}
writeFileSync(process.argv[3], JSON.stringify(out));
