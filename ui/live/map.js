// Live latent map: the test codes drawn on a canvas; the decoder (decoder.js, prepended to this
// file by ui/live/__init__.py) runs in the browser on every animation frame while the pointer moves.
// A click reports {panel, u, v, rel, index} to Python. Panels are linked: the pointer's relative
// position on one map is decoded through every panel's model at once.

window.__latentLabFrames = window.__latentLabFrames || []; // decode+draw ms, for benchmarks

function makePanel(root, p, data) {
  const S = data.mapSize, D = 28 * Math.max(1, Math.floor(data.digitSize / 28));
  const box = el("div", "ll-panel", root);
  if (p.title) el("div", "ll-title", box).textContent = p.title;
  const row = el("div", "ll-row", box);
  if (data.panels.length > 1) row.style.flexDirection = "column"; // maps side by side, digits below
  const stack = el("div", "ll-stack", row);
  stack.style.width = stack.style.height = `${S}px`;
  const base = el("canvas", "ll-base", stack);
  const over = el("canvas", "ll-over", stack);
  const dpr = window.devicePixelRatio || 1;
  for (const c of [base, over]) {
    c.width = c.height = Math.round(S * dpr);
    c.style.width = c.style.height = `${S}px`;
  }
  const side = el("div", "ll-side", row);
  const digit = el("canvas", "ll-digit", side);
  digit.width = digit.height = D;
  const caption = el("div", "ll-caption", side);
  const [x0, x1, y0, y1] = p.bounds;
  const toPx = (u, v) => [((u - x0) / (x1 - x0)) * S, (1 - (v - y0) / (y1 - y0)) * S];
  const uvAt = (rx, ry) => [x0 + rx * (x1 - x0), y0 + ry * (y1 - y0)];
  const pts = p.points;
  const labels = p.labels;

  const g = base.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, S, S);
  if (p.heat) {
    const n = p.heatN, hv = p.heat, cell = S / n;
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) {
        const shade = Math.round(255 - 100 * hv[r * n + c]); // light: the dots stay readable
        g.fillStyle = `rgb(${shade},${shade},${shade})`;
        g.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
      }
  }
  g.globalAlpha = 0.75;
  for (let i = 0; i < labels.length; i++) {
    const [x, y] = toPx(pts[2 * i], pts[2 * i + 1]);
    g.fillStyle = data.colors[labels[i]];
    g.fillRect(x - 1.5, y - 1.5, 3, 3);
  }
  g.globalAlpha = 1;
  g.strokeStyle = "#888";
  g.strokeRect(0.5, 0.5, S - 1, S - 1);
  drawTicks(g, S, p.bounds, p.axis || "z");

  const dec = decoderFor(p.spec);
  const z = new Float64Array(dec.latentDim);
  const px = new Float64Array(dec.outSize);
  const paint = digitPainter(digit);

  function decodeAt(rx, ry) {
    const [u, v] = uvAt(rx, ry);
    for (let d = 0; d < z.length; d++)
      z[d] = p.plane.origin[d] + u * p.plane.basis[0][d] + v * p.plane.basis[1][d];
    paint(dec.decode(z, px));
    const near = nearest(rx * S, (1 - ry) * S, 5);
    caption.textContent = `z = (${Array.from(z.slice(0, 4), (a) => a.toFixed(2)).join(", ")}${z.length > 4 ? ", …" : ""})` +
      (near === null ? "" : ` · on test #${near}, a ${data.names[labels[near]]}`);
    return [u, v];
  }

  function drawOverlay(rx, ry) {
    const o = over.getContext("2d");
    o.setTransform(dpr, 0, 0, dpr, 0, 0);
    o.clearRect(0, 0, S, S);
    const drawMark = (x, y, color) => {
      o.strokeStyle = color;
      o.lineWidth = 2.5;
      o.beginPath();
      o.moveTo(x - 8, y - 8); o.lineTo(x + 8, y + 8);
      o.moveTo(x + 8, y - 8); o.lineTo(x - 8, y + 8);
      o.stroke();
    };
    if (p.path) {
      o.strokeStyle = "#000"; o.lineWidth = 2.5; o.beginPath();
      p.path.forEach(([u, v], i) => { const [x, y] = toPx(u, v); i ? o.lineTo(x, y) : o.moveTo(x, y); });
      o.stroke();
    }
    if (p.mark) drawMark(...toPx(p.mark[0], p.mark[1]), "#000");
    if (rx !== null) {
      o.strokeStyle = "rgba(0,0,0,0.35)"; o.lineWidth = 1; o.beginPath();
      o.moveTo(rx * S, 0); o.lineTo(rx * S, S); o.moveTo(0, (1 - ry) * S); o.lineTo(S, (1 - ry) * S);
      o.stroke();
    }
  }

  function nearest(x, y, radius) {
    let best = null, bestD = radius * radius;
    for (let i = 0; i < labels.length; i++) {
      const [qx, qy] = toPx(pts[2 * i], pts[2 * i + 1]);
      const d = (qx - x) ** 2 + (qy - y) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  }
  const start = p.mark ? [(p.mark[0] - x0) / (x1 - x0), (p.mark[1] - y0) / (y1 - y0)] : [0.5, 0.5];
  return { over, decodeAt, drawOverlay, nearest, start, S };
}

export default function (component) {
  return mountWhenLoaded(component, mountMap);
}

function mountMap(component, payload) {
  // payload (once per session): the panels' codes, labels, planes and decoders; component.data
  // (every rerun, small): titles, marks, paths, heat maps and sizes.
  const { parentElement, setTriggerValue } = component;
  const dyn = component.data;
  const data = {
    ...dyn, colors: payload.colors, names: payload.names,
    panels: payload.panels.map((p, i) => ({
      ...p, title: dyn.titles[i], mark: dyn.marks[i], path: dyn.paths[i],
      heat: dyn.heats[i] ? Float32Array.from(dyn.heats[i]) : null, heatN: dyn.heatN[i],
    })),
  };
  const root = parentElement.querySelector(".ll-root");
  root.innerHTML = "";
  root.classList.toggle("ll-big", !!data.big);
  let panels;
  try {
    const wrap = el("div", "ll-panels", root);
    panels = data.panels.map((p) => makePanel(wrap, p, data));
  } catch (err) {
    root.textContent = `Live decoding is unavailable in this browser (${err}).`;
    setTriggerValue("failed", String(err));
    return;
  }
  const legend = el("div", "ll-legend", root);
  data.names.forEach((n, c) => {
    const item = el("span", "ll-item", legend);
    el("span", "ll-chip", item).style.background = data.colors[c];
    item.appendChild(document.createTextNode(n));
  });

  let pending = null, frame = 0;
  function render() {
    frame = 0;
    if (!pending) return;
    const [rx, ry] = pending;
    pending = null;
    const t0 = performance.now();
    panels.forEach((q) => { q.decodeAt(rx, ry); q.drawOverlay(rx, ry); });
    const frames = window.__latentLabFrames;
    frames.push((performance.now() - t0) / panels.length);
    if (frames.length > 5000) frames.splice(0, frames.length - 5000);
  }
  const cleanups = [];
  panels.forEach((q, k) => {
    q.drawOverlay(null, null);
    const rel = (ev) => {
      const r = q.over.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)),
              Math.min(1, Math.max(0, 1 - (ev.clientY - r.top) / r.height))];
    };
    const onMove = (ev) => {
      pending = rel(ev);
      if (!frame) frame = requestAnimationFrame(render);
    };
    const onClick = (ev) => {
      const [rx, ry] = rel(ev);
      const [u, v] = q.decodeAt(rx, ry);
      const index = q.nearest(rx * q.S, (1 - ry) * q.S, 6);
      setTriggerValue("clicked", { panel: k, u, v, rel: [rx, ry], index });
    };
    q.over.addEventListener("pointermove", onMove);
    q.over.addEventListener("click", onClick);
    cleanups.push(() => {
      q.over.removeEventListener("pointermove", onMove);
      q.over.removeEventListener("click", onClick);
    });
  });
  const [sx, sy] = panels[0].start;
  panels.forEach((q) => q.decodeAt(sx, sy));
  return () => {
    if (frame) cancelAnimationFrame(frame);
    cleanups.forEach((f) => f());
  };
}
