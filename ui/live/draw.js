// Drawing helpers shared by the map and replay components (prepended to each).

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function niceStep(span, count = 5) {
  const raw = span / count, mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
}

function tickStep(g, span, S) {
  // The nicest step whose labels do not run into each other: the widest label plus a gap must
  // fit between two ticks (a map a few thousandths wide has long labels such as "-0.0035").
  for (let count = 5; count >= 1; count--) {
    const step = niceStep(span, count);
    const digits = Math.max(0, -Math.floor(Math.log10(step)));
    const widest = g.measureText(`-${(Math.ceil(span / step) * step).toFixed(digits)}0`).width;
    if ((step / span) * S >= widest + 8) return step;
  }
  return niceStep(span, 1);
}

function drawTicks(g, S, [x0, x1, y0, y1], axis, size = 12) {
  // Tick labels just inside the frame, like a Plotly axis, without taking room from the map;
  // dark enough to read (#555 on white is 7.5:1).
  g.fillStyle = "#555";
  g.font = `${size}px sans-serif`;
  const sx = tickStep(g, x1 - x0, S), sy = niceStep(y1 - y0); // y labels stack: no crowding
  // a label that would run into another (the corner where the axes' labels meet, the axis names)
  // is left out; its tick mark stays
  for (let t = Math.ceil(x0 / sx) * sx; t <= x1; t += sx) {
    const x = ((t - x0) / (x1 - x0)) * S, text = +t.toFixed(6) + "";
    g.fillRect(x, S - 5, 1, 5);
    if (x + 2 + g.measureText(text).width <= S - 2) g.fillText(text, x + 2, S - 6);
  }
  for (let t = Math.ceil(y0 / sy) * sy; t <= y1; t += sy) {
    const y = (1 - (t - y0) / (y1 - y0)) * S;
    g.fillRect(0, y, 5, 1);
    if (y - 2 - size > size + 2 && y - 2 < S - size - 8) g.fillText(+t.toFixed(6) + "", 7, y - 2);
  }
  g.fillText(`${axis}₁ →`, S - 3 * size, S - 1.6 * size);
  g.fillText(`${axis}₂ ↑`, 7, size);
}
