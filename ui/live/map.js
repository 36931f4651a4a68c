// The latent map: the test codes drawn on a canvas, with marks and paths laid over them. With a
// decoder (decoder.js, prepended by ui/live/__init__.py) it decodes under the pointer on every
// animation frame, in the browser; linked panels decode the same relative spot through every
// model. A click, a tap or Enter reports {u, v, index} to Python ("clicked").
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
    `by class. Arrow keys move the spot, Shift for bigger steps${data.clickable ? ", Enter keeps it" : ""}; ` +
    "+ and − zoom about it, 0 resets; the wheel or a pinch zooms, a drag pans.");
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
  // One unit is as long across as up (a circle stays a circle): the longer span sets the square.
  const home = square(p.view || p.bounds);
  let view = p.zoom ? square(p.zoom) : [...home];
  const toPx = (u, v) => [((u - view[0]) / (view[1] - view[0])) * S, (1 - (v - view[2]) / (view[3] - view[2])) * S];
  const uvAt = (rx, ry) => [view[0] + rx * (view[1] - view[0]), view[2] + ry * (view[3] - view[2])];
  const pts = p.points, labels = p.labels;
  const g = base.getContext("2d");
  const dot = S > 500 ? 4 : 3;

  function drawBase() {
    over.dataset.view = JSON.stringify(view); // the plane region shown, for tests
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#fff";
    g.fillRect(0, 0, S, S);
    g.globalAlpha = 0.75;
    for (let i = 0; i < labels.length; i++) {
      const [x, y] = toPx(pts[2 * i], pts[2 * i + 1]);
      if (x < -2 || y < -2 || x > S + 2 || y > S + 2) continue;
      g.fillStyle = data.colors[labels[i]];
      g.fillRect(x - dot / 2, y - dot / 2, dot, dot);
    }
    g.globalAlpha = 1;
    g.strokeStyle = "#888";
    g.strokeRect(0.5, 0.5, S - 1, S - 1);
    drawTicks(g, S, view, p.axis || "z", data.big ? 18 : 12);
  }
  drawBase();

  const span = () => view[1] - view[0];
  function zoomBy(factor, rx, ry) {
    // zoom about the relative spot (rx, ry), which stays put; never out past home, in to 1/200
    const full = home[1] - home[0], w = Math.min(full, Math.max(full / 200, span() * factor));
    const [u, v] = uvAt(rx, ry);
    view = [u - rx * w, u + (1 - rx) * w, v - ry * w, v + (1 - ry) * w];
    drawBase();
  }
  function panBy(dx, dy) { // by canvas px: the map follows the hand
    const k = span() / S;
    view = [view[0] - dx * k, view[1] - dx * k, view[2] + dy * k, view[3] + dy * k];
    drawBase();
  }
  function reset() { view = [...home]; drawBase(); }
  const zoomed = () => view.some((x, i) => Math.abs(x - home[i]) > 1e-9 * (home[1] - home[0]));

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

  // "Near" is a distance in the plane's own units, the same on every page and at every zoom:
  // 2% of the width of the model's codes (0.12 for the 2-D VAE), shown in the readout.
  const near = 0.02 * (square(p.bounds)[1] - square(p.bounds)[0]);
  function neighbourhood(u, v) {
    const counts = new Array(10).fill(0);
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      if ((pts[2 * i] - u) ** 2 + (pts[2 * i + 1] - v) ** 2 < near * near) { counts[labels[i]]++; n++; }
    }
    const r = +near.toPrecision(2);
    if (!n) return `no test image within ${r}`;
    const c = counts.indexOf(Math.max(...counts));
    return `${n} test image${n > 1 ? "s" : ""} within ${r}, ${Math.round((100 * counts[c]) / n)}% labelled ${data.names[c]}`;
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
    if (say) caption.textContent = `${dec ? "decoded at " : "spot "}${where}: ${neighbourhood(u, v)}`;
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
  const inside = (x, a, b) => Math.min(1, Math.max(0, (x - a) / (b - a)));
  const start = mark ? [inside(mark.uv[0], view[0], view[1]), inside(mark.uv[1], view[2], view[3])] : [0.5, 0.5];
  return { over, base, decodeAt, drawOverlay, nearest, start, S, caption, zoomBy, panBy, reset,
           zoomed, view: () => [...view] };
}

export default function (component) {
  return mountWhenLoaded(component, mountMap);
}

function square([x0, x1, y0, y1]) {
  const s = Math.max(x1 - x0, y1 - y0), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return [cx - s / 2, cx + s / 2, cy - s / 2, cy + s / 2];
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
  const { parentElement, setTriggerValue, setStateValue } = component;
  const dyn = dataOf(component);
  const data = {
    ...dyn, colors: payload.colors, names: payload.names,
    panels: payload.panels.map((p, i) => ({
      ...p, title: dyn.titles[i], marks: dyn.marks[i], paths: dyn.paths[i], view: dyn.views[i],
      zoom: (dyn.zooms || [])[i],
      spec: dyn.live ? p.spec : null,
    })),
  };
  const root = parentElement.querySelector(".ll-root");
  let cleanup = () => {}, width = 0;
  const mount = () => {
    cleanup();
    width = root.clientWidth;
    cleanup = build(root, data, setTriggerValue, setStateValue);
  };
  const watch = new ResizeObserver(() => { if (Math.abs(root.clientWidth - width) > 8) mount(); });
  mount();
  watch.observe(root);
  return () => { watch.disconnect(); cleanup(); };
}

function build(root, data, setTriggerValue, setStateValue) {
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
    setTriggerValue("clicked", { u, v, index });
  }
  const cleanups = [];
  let zoomTimer = 0;
  function zoomed(k) { // redraw, show the reset, and tell Python the views once the hand rests
    const q = panels[k];
    q.drawOverlay(...cursor[k]);
    q.resetButton.hidden = !q.zoomed();
    clearTimeout(zoomTimer);
    zoomTimer = setTimeout(() => setStateValue("zooms", panels.map((p) => (p.zoomed() ? p.view() : null))), 600);
  }
  panels.forEach((q, k) => {
    q.drawOverlay(null, null);
    q.resetButton = el("button", "ll-reset", q.over.parentElement);
    q.resetButton.type = "button";
    q.resetButton.textContent = "Reset zoom";
    q.resetButton.hidden = !q.zoomed();
    q.resetButton.addEventListener("click", () => { q.reset(); zoomed(k); });
    const touches = new Map(); // pointerId -> [x, y]: two fingers pinch and pan
    let drag = null; // a mouse drag with the button down pans; it is then not a click
    const rel = (ev) => {
      const r = q.over.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)),
              Math.min(1, Math.max(0, 1 - (ev.clientY - r.top) / r.height))];
    };
    const onMove = (ev) => {
      if (ev.pointerType === "touch" && touches.has(ev.pointerId)) {
        const before = [...touches.values()];
        touches.set(ev.pointerId, [ev.clientX, ev.clientY]);
        if (touches.size === 2) {
          const after = [...touches.values()], r = q.over.getBoundingClientRect();
          const mid = (t) => [(t[0][0] + t[1][0]) / 2, (t[0][1] + t[1][1]) / 2];
          const dist = (t) => Math.hypot(t[0][0] - t[1][0], t[0][1] - t[1][1]) || 1;
          const [mx, my] = mid(after), [bx, by] = mid(before);
          q.panBy(mx - bx, my - by);
          q.zoomBy(dist(before) / dist(after), (mx - r.left) / r.width, 1 - (my - r.top) / r.height);
          zoomed(k);
          return;
        }
      }
      if (drag && ev.buttons & 1) {
        q.panBy(ev.clientX - drag.x, ev.clientY - drag.y);
        drag.moved += Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y);
        drag.x = ev.clientX; drag.y = ev.clientY;
        zoomed(k);
        return;
      }
      move(k, ...rel(ev));
    };
    const onDown = (ev) => {
      if (ev.pointerType === "touch") touches.set(ev.pointerId, [ev.clientX, ev.clientY]);
      else if (ev.button === 0) drag = { x: ev.clientX, y: ev.clientY, moved: 0 };
      if (touches.size < 2) move(k, ...rel(ev)); // a tap shows its spot before the click
    };
    const onUp = (ev) => { touches.delete(ev.pointerId); };
    const onWheel = (ev) => {
      ev.preventDefault();
      const [rx, ry] = rel(ev);
      q.zoomBy(Math.exp(Math.max(-1, Math.min(1, ev.deltaY * 0.002))), rx, ry);
      zoomed(k);
    };
    const onClick = (ev) => {
      const panned = drag && drag.moved > 4;
      drag = null;
      if (!data.clickable || panned) return;
      cursor[k] = rel(ev);
      report(k);
    };
    const onKey = (ev) => {
      const zoom = { "+": 1 / 1.5, "=": 1 / 1.5, "-": 1.5, _: 1.5 }[ev.key];
      if (zoom || ev.key === "0") { // zoom about the spot; 0 resets
        ev.preventDefault();
        if (zoom) q.zoomBy(zoom, ...cursor[k]); else q.reset();
        zoomed(k);
        return;
      }
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
    const handlers = { pointermove: onMove, pointerdown: onDown, pointerup: onUp, pointercancel: onUp,
                       wheel: onWheel, click: onClick, keydown: onKey };
    for (const [name, f] of Object.entries(handlers)) q.over.addEventListener(name, f, { passive: false });
    cleanups.push(() => {
      for (const [name, f] of Object.entries(handlers)) q.over.removeEventListener(name, f);
    });
  });
  panels.forEach((q) => q.decodeAt(...q.start, true));
  return () => {
    clearTimeout(zoomTimer);
    if (frame) cancelAnimationFrame(frame);
    cleanups.forEach((f) => f());
  };
}
