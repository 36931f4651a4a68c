// The latent map: the test codes drawn on a canvas, with marks and paths laid over them. With a
// decoder (decoder.js, prepended by ui/live/__init__.py) it decodes under the pointer on every
// animation frame, in the browser; linked panels decode the same relative spot through every
// model. A click, a tap or Enter reports {panel, u, v, rel, index} to Python ("clicked").
// The maps fit their container and the window (a projector, a phone); the arrow keys move the
// spot (Shift: further) and a live caption says where it is and what the nearby test images are.

window.__latentLabFrames = window.__latentLabFrames || []; // decode+draw ms, for benchmarks

const SYMBOLS = {
  x: (o, x, y, r) => { o.moveTo(x - r, y - r); o.lineTo(x + r, y + r); o.moveTo(x + r, y - r); o.lineTo(x - r, y + r); },
  cross: (o, x, y, r) => { o.moveTo(x - r, y); o.lineTo(x + r, y); o.moveTo(x, y - r); o.lineTo(x, y + r); },
  circle: (o, x, y, r) => { o.moveTo(x + r, y); o.arc(x, y, r, 0, 2 * Math.PI); },
};

function fmt(v) { return (v < 0 ? "−" : "") + Math.abs(v).toFixed(2); }

function makePanel(parent, p, data, S, D, beside) {
  const box = el("div", "ll-panel", parent);
  if (data.panels.length > 1) box.style.width = `${beside ? S + 16 + D : S}px`;
  if (p.title) el("div", "ll-title", box).textContent = p.title;
  const row = el("div", "ll-row", box);
  // the digit beside the map, or below it (a map without a decoder: its readout below)
  if (!beside || !p.spec) row.style.flexDirection = "column";
  else if (data.big) row.style.flexWrap = "nowrap";
  const stack = el("div", "ll-stack", row);
  stack.style.width = stack.style.height = `${S}px`;
  const base = el("canvas", "ll-base", stack);
  const over = el("canvas", "ll-over", stack);
  const dpr = window.devicePixelRatio || 1;
  for (const c of [base, over]) {
    c.width = c.height = Math.round(S * dpr);
    c.style.width = c.style.height = `${S}px`;
  }
  over.tabIndex = 0; // the keyboard moves the spot: the lesson works without a mouse
  over.setAttribute("role", "application");
  over.setAttribute("aria-roledescription", "latent map");
  over.setAttribute("aria-label", `${p.title || "Latent map"}: ${p.labels.length.toLocaleString()} test images ` +
    `by class. Arrow keys move the spot, Shift for bigger steps${data.clickable ? ", Enter keeps it" : ""}.`);
  const side = el("div", "ll-side", row);
  let digit = null;
  if (p.spec) {
    digit = el("canvas", "ll-digit", side);
    digit.width = digit.height = D;
    digit.style.width = digit.style.height = `${D}px`;
    digit.setAttribute("role", "img");
  }
  const caption = el("div", "ll-caption", side);
  caption.setAttribute("aria-live", "polite");
  if (!p.spec) side.style.maxWidth = `${S}px`;
  else if (beside && data.big) side.style.maxWidth = `${D}px`;
  const [x0, x1, y0, y1] = p.view || p.bounds;
  over.dataset.view = JSON.stringify([x0, x1, y0, y1]); // the plane region shown, for tests
  const toPx = (u, v) => [((u - x0) / (x1 - x0)) * S, (1 - (v - y0) / (y1 - y0)) * S];
  const uvAt = (rx, ry) => [x0 + rx * (x1 - x0), y0 + ry * (y1 - y0)];
  const pts = p.points, labels = p.labels;

  const g = base.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, S, S);
  g.globalAlpha = 0.75;
  const dot = S > 500 ? 4 : 3;
  for (let i = 0; i < labels.length; i++) {
    const [x, y] = toPx(pts[2 * i], pts[2 * i + 1]);
    if (x < -2 || y < -2 || x > S + 2 || y > S + 2) continue;
    g.fillStyle = data.colors[labels[i]];
    g.fillRect(x - dot / 2, y - dot / 2, dot, dot);
  }
  g.globalAlpha = 1;
  g.strokeStyle = "#888";
  g.strokeRect(0.5, 0.5, S - 1, S - 1);
  drawTicks(g, S, [x0, x1, y0, y1], p.axis || "z", data.big ? 18 : 12);

  const dec = p.spec ? decoderFor(p.spec) : null;
  const z = dec ? new Float64Array(dec.latentDim) : null;
  const px = dec ? new Float64Array(dec.outSize) : null;
  const paint = digit ? digitPainter(digit) : null;

  function nearest(x, y, radius) {
    let best = null, bestD = radius * radius;
    for (let i = 0; i < labels.length; i++) {
      const [qx, qy] = toPx(pts[2 * i], pts[2 * i + 1]);
      const d = (qx - x) ** 2 + (qy - y) ** 2;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  }

  function neighbourhood(x, y) {
    // the classes of the test images within 12 px: what a student sees around the spot
    const counts = new Array(10).fill(0);
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      const [qx, qy] = toPx(pts[2 * i], pts[2 * i + 1]);
      if ((qx - x) ** 2 + (qy - y) ** 2 < 144) { counts[labels[i]]++; n++; }
    }
    if (!n) return "no test image near";
    const c = counts.indexOf(Math.max(...counts));
    return `${n} test image${n > 1 ? "s" : ""} near, ${Math.round((100 * counts[c]) / n)}% ${data.names[c]}`;
  }

  function decodeAt(rx, ry, say) {
    const [u, v] = uvAt(rx, ry);
    let where = `(${fmt(u)}, ${fmt(v)})`;
    if (dec) {
      for (let d = 0; d < z.length; d++)
        z[d] = p.plane.origin[d] + u * p.plane.basis[0][d] + v * p.plane.basis[1][d];
      paint(dec.decode(z, px));
      where = `z = (${Array.from(z.slice(0, 3), fmt).join(", ")}${z.length > 3 ? ", …" : ""})`;
      digit.setAttribute("aria-label", `the digit decoded at ${where}`);
    }
    if (say) caption.textContent = `${dec ? "decoded at " : "spot "}${where}: ${neighbourhood(rx * S, (1 - ry) * S)}`;
    return [u, v];
  }

  function drawOverlay(rx, ry) {
    const o = over.getContext("2d");
    o.setTransform(dpr, 0, 0, dpr, 0, 0);
    o.clearRect(0, 0, S, S);
    for (const path of p.paths || []) {
      o.strokeStyle = o.fillStyle = path.color || "#000";
      o.lineWidth = path.width || 2.5;
      o.setLineDash(path.dash ? [7, 5] : []);
      o.beginPath();
      if (path.mode === "markers") {
        const r = (path.size || 8) / 2;
        path.uv.forEach(([u, v]) => { const [x, y] = toPx(u, v); (SYMBOLS[path.symbol] || SYMBOLS.circle)(o, x, y, r); });
      } else {
        path.uv.forEach(([u, v], i) => { const [x, y] = toPx(u, v); i ? o.lineTo(x, y) : o.moveTo(x, y); });
      }
      o.stroke();
    }
    o.setLineDash([]);
    for (const m of p.marks || []) {
      const [x, y] = toPx(m.uv[0], m.uv[1]);
      o.lineWidth = 5; o.strokeStyle = "#fff"; o.beginPath(); SYMBOLS[m.symbol || "x"](o, x, y, 8); o.stroke();
      o.lineWidth = 2.5; o.strokeStyle = m.color || "#000"; o.beginPath(); SYMBOLS[m.symbol || "x"](o, x, y, 8); o.stroke();
      if (m.text) {
        o.font = `bold ${data.big ? 20 : 15}px sans-serif`;
        o.lineWidth = 4; o.strokeStyle = "#fff"; o.strokeText(m.text, x + 10, y - 8);
        o.fillStyle = "#000"; o.fillText(m.text, x + 10, y - 8);
      }
    }
    if (rx !== null) {
      o.strokeStyle = "rgba(0,0,0,0.45)"; o.lineWidth = 1; o.beginPath();
      o.moveTo(rx * S, 0); o.lineTo(rx * S, S); o.moveTo(0, (1 - ry) * S); o.lineTo(S, (1 - ry) * S);
      o.stroke();
    }
  }
  const mark = (p.marks || [])[0];
  const start = mark ? [(mark.uv[0] - x0) / (x1 - x0), (mark.uv[1] - y0) / (y1 - y0)] : [0.5, 0.5];
  return { over, base, decodeAt, drawOverlay, nearest, start, S, caption };
}

export default function (component) {
  return mountWhenLoaded(component, mountMap);
}

function mapSizes(root, data) {
  // The maps fill the container's width (less the digit beside a single live map). A projector
  // (data.big) also fits them, their digits, titles and legend into the window's height: from
  // where the maps start if that is in the first screen, else into one screen of their own. It
  // puts the digits beside the maps or below them, whichever leaves the bigger maps, and lets
  // the maps grow past maxSize to use the width.
  const n = data.panels.length, W = root.clientWidth || data.maxSize;
  const P = (W - (n > 1 ? 24 * (n - 1) : 0)) / n; // one panel's width
  if (!data.big) {
    const D = 28 * Math.max(2, Math.floor(Math.min(data.digitSize, W / 3) / 28));
    // beside a single live map if that leaves it a useful size (a phone: below, the map wide)
    const beside = n === 1 && data.live && W >= 2.2 * D && W - D - 24 >= Math.min(data.maxSize, 320);
    let S = Math.min(data.maxSize, (W - (beside ? D + 24 : 0)) / n - (n > 1 ? 24 : 0));
    if (S < 200) S = Math.min(data.maxSize, W); // too narrow side by side (a phone): one a row
    return { S: Math.max(200, Math.floor(S)), D, beside };
  }
  const H = window.innerHeight, top = Math.max(0, root.getBoundingClientRect().top);
  const room = (top < 0.6 * H ? H - top : H) - 24;
  const chrome = (data.titles.some((t) => t) ? 34 : 0) + (data.legend !== false ? 44 : 0);
  const caption = 64; // the readout under the map or the digit, in big type
  const D = 28 * Math.max(3, Math.floor(Math.min(data.digitSize * 1.25, P / 3) / 28));
  const below = Math.min(P, room - chrome - (data.live ? D : 0) - caption);
  const next = data.live ? Math.min(P - D - 16, room - chrome) : 0;
  const beside = next > below;
  return { S: Math.max(200, Math.floor(beside ? next : below)), D, beside };
}

function mountMap(component, payload) {
  // payload (once per session): the panels' codes, labels, planes and decoders; component.data
  // (every rerun, small): titles, marks, paths, zoom windows and sizes.
  const { parentElement, setTriggerValue } = component;
  const dyn = component.data;
  const data = {
    ...dyn, colors: payload.colors, names: payload.names,
    panels: payload.panels.map((p, i) => ({
      ...p, title: dyn.titles[i], marks: dyn.marks[i], paths: dyn.paths[i], view: dyn.views[i],
      spec: dyn.live ? p.spec : null,
    })),
  };
  const root = parentElement.querySelector(".ll-root");
  let cleanup = () => {}, width = 0;
  const mount = () => {
    cleanup();
    width = root.clientWidth;
    cleanup = build(root, data, setTriggerValue);
  };
  const watch = new ResizeObserver(() => { if (Math.abs(root.clientWidth - width) > 8) mount(); });
  mount();
  watch.observe(root);
  return () => { watch.disconnect(); cleanup(); };
}

function build(root, data, setTriggerValue) {
  root.innerHTML = "";
  root.classList.toggle("ll-big", !!data.big);
  const { S, D, beside } = mapSizes(root, data);
  let panels;
  try {
    const wrap = el("div", "ll-panels", root);
    panels = data.panels.map((p) => makePanel(wrap, p, data, S, D, beside));
  } catch (err) {
    root.textContent = `Live decoding is unavailable in this browser (${err}).`;
    setTriggerValue("failed", String(err));
    return () => {};
  }
  if (data.legend !== false) {
    const legend = el("div", "ll-legend", root);
    data.names.forEach((n, c) => {
      const item = el("span", "ll-item", legend);
      el("span", "ll-chip", item).style.background = data.colors[c];
      item.appendChild(document.createTextNode(n));
    });
  }
  if (data.png) {
    const save = el("button", "ll-png", root);
    save.type = "button";
    save.textContent = "PNG of the map";
    save.addEventListener("click", () => {
      const q = panels[0], c = document.createElement("canvas");
      c.width = q.base.width; c.height = q.base.height;
      const g = c.getContext("2d");
      g.drawImage(q.base, 0, 0); g.drawImage(q.over, 0, 0);
      const a = document.createElement("a");
      a.href = c.toDataURL("image/png"); a.download = `${data.png}.png`; a.click();
    });
  }

  let pending = null, frame = 0, said = 0;
  const linked = data.linked !== false;
  const targets = (k) => (linked ? panels : [panels[k]]);
  function render() {
    frame = 0;
    if (!pending) return;
    const { k, rx, ry, say } = pending;
    pending = null;
    const t0 = performance.now();
    const now = t0 > said + 600 || say; // the readout speaks at most every 0.6 s while moving
    if (now) said = t0;
    targets(k).forEach((q) => { q.decodeAt(rx, ry, now); q.drawOverlay(rx, ry); });
    if (data.live) {
      const frames = window.__latentLabFrames;
      frames.push((performance.now() - t0) / targets(k).length);
      if (frames.length > 5000) frames.splice(0, frames.length - 5000);
    }
  }
  const cursor = panels.map((q) => [...q.start]);
  function move(k, rx, ry, say = false) {
    cursor[k] = [rx, ry];
    if (linked) panels.forEach((_, j) => { cursor[j] = [rx, ry]; });
    pending = { k, rx, ry, say };
    if (!frame) frame = requestAnimationFrame(render);
  }
  function report(k) {
    const q = panels[k], [rx, ry] = cursor[k];
    const [u, v] = q.decodeAt(rx, ry, true);
    const index = q.nearest(rx * q.S, (1 - ry) * q.S, 6);
    setTriggerValue("clicked", { panel: k, u, v, rel: [rx, ry], index });
  }
  const cleanups = [];
  panels.forEach((q, k) => {
    q.drawOverlay(null, null);
    const rel = (ev) => {
      const r = q.over.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)),
              Math.min(1, Math.max(0, 1 - (ev.clientY - r.top) / r.height))];
    };
    const onMove = (ev) => move(k, ...rel(ev));
    const onClick = (ev) => { if (!data.clickable) return; cursor[k] = rel(ev); report(k); };
    const onKey = (ev) => {
      const step = ev.shiftKey ? 0.1 : 0.02, [rx, ry] = cursor[k];
      const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[ev.key];
      if (d) {
        ev.preventDefault();
        move(k, Math.min(1, Math.max(0, rx + d[0])), Math.min(1, Math.max(0, ry + d[1])), true);
      } else if ((ev.key === "Enter" || ev.key === " ") && data.clickable) {
        ev.preventDefault();
        report(k);
      }
    };
    q.over.addEventListener("pointermove", onMove);
    q.over.addEventListener("pointerdown", onMove); // a tap shows its spot before the click
    q.over.addEventListener("click", onClick);
    q.over.addEventListener("keydown", onKey);
    cleanups.push(() => {
      q.over.removeEventListener("pointermove", onMove);
      q.over.removeEventListener("pointerdown", onMove);
      q.over.removeEventListener("click", onClick);
      q.over.removeEventListener("keydown", onKey);
    });
  });
  panels.forEach((q) => q.decodeAt(...q.start, true));
  return () => {
    if (frame) cancelAnimationFrame(frame);
    cleanups.forEach((f) => f());
  };
}
