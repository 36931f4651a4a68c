// Draws a map's ticks (ui/live/draw.js) on a stand-in canvas that records every label and its box
// (text 0.6 em wide a character, as Source Sans is at most); prints the boxes as JSON.
import { readFileSync } from "node:fs";

const source = readFileSync(new URL("../../../ui/live/draw.js", import.meta.url), "utf8");
const drawTicks = new Function(`${source}; return drawTicks;`)();
const [S, size, ...view] = JSON.parse(process.argv[2]);
const boxes = [];
let px = 12;
const g = {
  set font(f) { px = parseFloat(f); }, fillStyle: "", fillRect() {},
  measureText: (t) => ({ width: 0.6 * px * [...t].length }),
  fillText: (t, x, y) => boxes.push({ text: t, left: x, right: x + 0.6 * px * [...t].length, top: y - px, bottom: y }),
};
drawTicks(g, S, view, "z", size);
console.log(JSON.stringify(boxes));
