// Replay of training snapshots (vae_core.record), played in the browser: per run, the codes of the
// fixed test sample on the map (fixed axes, the prior's 1σ and 2σ circles), the reconstruction
// and KL curves with a cursor, and the decoded grid. One clock for every run shown side by side.
// Static runs come once as the payload (decoder.js: getStatic); a live run comes as small JSON
// with every rerun (data.live). The frame shown is reported on pause and on scrub ("frame").

function rEl(tag, cls, parent, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

const LOG0 = 1 / 100; // the time axis is log10(epoch + 1/100): the first epoch gets room
const tx = (t) => Math.log10(t + LOG0);

function fmtEpoch(t) {
  if (t === 0) return "start";
  if (t < 1) return `${t < 0.1 ? t.toFixed(3) : t.toFixed(2)} epoch`;
  return `epoch ${t % 1 === 0 ? t.toFixed(0) : t.toFixed(2)}`;
}

function drawMap(canvas, S, run, k, colors, fs = 12) {
  const g = canvas.getContext("2d");
  const dpr = window.devicePixelRatio || 1;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, S, S);
  const [x0, x1, y0, y1] = run.bounds;
  const px = (u) => ((u - x0) / (x1 - x0)) * S, py = (v) => (1 - (v - y0) / (y1 - y0)) * S;
  g.strokeStyle = "#555";
  g.setLineDash([4, 3]);
  for (const r of [1, 2]) { // the prior N(0, I): where a VAE is asked to put its codes
    g.beginPath();
    g.ellipse(px(0), py(0), Math.abs(px(r) - px(0)), Math.abs(py(r) - py(0)), 0, 0, 2 * Math.PI);
    g.stroke();
  }
  g.setLineDash([]);
  const n = run.labels.length, mu = run.frame(k);
  g.globalAlpha = 0.8;
  for (let i = 0; i < n; i++) {
    g.fillStyle = colors[run.labels[i]];
    g.fillRect(px(mu[2 * i]) - 1.5, py(mu[2 * i + 1]) - 1.5, 3, 3);
  }
  g.globalAlpha = 1;
  g.strokeStyle = "#888";
  g.strokeRect(0.5, 0.5, S - 1, S - 1);
  drawTicks(g, S, run.bounds, "z", fs); // from draw.js
}

function drawCurve(canvas, W, H, run, key, k, tMax, label, fs = 12) {
  // fs: the label size in px (a projector: 18, for the back of the hall)
  const g = canvas.getContext("2d");
  const dpr = window.devicePixelRatio || 1;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = "#fff";
  g.fillRect(0, 0, W, H);
  const test = run.curves[`test_${key}`], train = run.curves[`train_${key}`];
  const all = [...test, ...train].filter((v) => Number.isFinite(v));
  g.fillStyle = "#31333f";
  g.font = `${fs}px sans-serif`;
  g.fillText(label, 6, fs + 2);
  if (!all.length) {
    g.fillText("none: an autoencoder has no KL term", 6, H / 2);
    return;
  }
  let lo = Math.min(...all), hi = Math.max(...all);
  if (hi - lo < 1e-6) { lo -= 1; hi += 1; }
  const L = 3.7 * fs, R = W - 8, T = 1.7 * fs, B = H - 1.5 * fs;
  const X = (t) => L + ((tx(t) - tx(0)) / (tx(tMax) - tx(0))) * (R - L);
  const Y = (v) => B - ((v - lo) / (hi - lo)) * (B - T);
  g.strokeStyle = "#ddd";
  g.fillStyle = "#555";
  for (const t of [0, 0.1, 1, 10, 100].filter((t) => t <= tMax)) {
    g.beginPath(); g.moveTo(X(t), T); g.lineTo(X(t), B); g.stroke();
    g.fillText(t === 0 ? "0" : `${t}`, X(t) - 4, H - 4);
  }
  g.fillText(hi.toFixed(hi < 10 ? 1 : 0), 2, T + fs * 0.7);
  g.fillText(lo.toFixed(lo < 10 ? 1 : 0), 2, B);
  const line = (ys, color, dash) => {
    g.strokeStyle = color; g.lineWidth = 2; g.setLineDash(dash); g.beginPath();
    let on = false;
    run.t.forEach((t, i) => {
      if (!Number.isFinite(ys[i])) return;
      on ? g.lineTo(X(t), Y(ys[i])) : g.moveTo(X(t), Y(ys[i]));
      on = true;
    });
    g.stroke(); g.setLineDash([]);
  };
  line(train, "#9ab", [5, 4]);
  line(test, "#1f77b4", []);
  const t = run.t[Math.min(k, run.t.length - 1)];
  g.strokeStyle = "#d62728"; g.lineWidth = 2;
  g.beginPath(); g.moveTo(X(t), T); g.lineTo(X(t), B); g.stroke();
  g.lineWidth = 1;
}

function makeRun(spec) {
  // Typed views over a run's arrays (float16 codes as their bits, see decoder.js asFloat32);
  // a live run brings the codes of its latest snapshot only, as a plain list.
  const n = spec.labels.length;
  if (!(spec.mu instanceof Uint16Array)) {
    const last = Float32Array.from(spec.mu);
    return { ...spec, n, frame: () => last };
  }
  const mu = asFloat32(spec.mu);
  return { ...spec, n, frame: (k) => mu.subarray(k * 2 * n, (k + 1) * 2 * n) };
}

async function gridImages(run) {
  if (run.sprite) { // every grid stacked top to bottom in one PNG
    const bmp = await createImageBitmap(new Blob([run.sprite], { type: "image/png" }));
    return (g, k, D) => g.drawImage(bmp, 0, k * run.gridSize, run.gridSize, run.gridSize, 0, 0, D, D);
  }
  const img = new Image();
  img.src = run.grid; // live: the latest grid only
  await img.decode();
  return (g, k, D) => g.drawImage(img, 0, 0, D, D);
}

export default function (component) {
  return mountWhenLoaded(component, mountReplay);
}

function mountReplay(component, payload) {
  const { parentElement, setStateValue } = component;
  const data = dataOf(component);
  window.__llReplayMounts = (window.__llReplayMounts || 0) + 1; // redraws, for the tests
  const root = parentElement.querySelector(".ll-root");
  root.innerHTML = "";
  root.classList.toggle("ll-big", !!data.big);
  const specs = data.live ? [{ ...data.live, labels: payload.labels }] : payload.runs;
  const runs = specs.map(makeRun);
  const clock = runs.reduce((a, r) => (r.t.length > a.length ? Array.from(r.t) : a), []);
  const tMax = Math.max(1, clock[clock.length - 1]);
  let k = Math.min(data.frame ?? clock.length - 1, clock.length - 1), playing = false, timer = 0;

  const bar = rEl("div", "ll-controls", root);
  const play = rEl("button", "ll-play", bar, "▶ Play");
  play.type = "button";
  const scrub = rEl("input", "ll-scrub", bar);
  Object.assign(scrub, { type: "range", min: 0, max: clock.length - 1, step: 1, value: k });
  scrub.setAttribute("aria-label", "Training time");
  const when = rEl("span", "ll-when", bar);
  if (data.live) { play.hidden = true; scrub.hidden = true; }
  const wrap = rEl("div", "ll-panels", root);
  const width = root.clientWidth || 2 * data.mapSize;
  const single = runs.length === 1; // one run: curves and grid beside the map, not below
  const S = Math.floor(Math.max(200, Math.min(data.mapSize, single ? width * 0.55 : width / runs.length - 24)));
  const W = single ? Math.max(220, Math.min(520, width - S - 40)) : S; // the curves' width
  const fs = data.big ? 18 : 12, CH = data.big ? 150 : 110; // type and curve height
  const views = runs.map((run) => {
    const panel = rEl("div", "ll-panel", wrap);
    rEl("div", "ll-title", panel, run.title);
    const body = rEl("div", single ? "ll-row" : "", panel);
    const box = rEl("div", "", body);
    box.style.width = `${S}px`;
    const map = rEl("canvas", "ll-map", box);
    const dpr = window.devicePixelRatio || 1;
    map.width = map.height = Math.round(S * dpr);
    map.style.width = map.style.height = `${S}px`;
    map.setAttribute("role", "img");
    const side = single ? rEl("div", "", body) : box;
    side.style.width = `${W}px`;
    const curves = ["recon", "kl"].map((key) => {
      const c = rEl("canvas", "ll-curve", side);
      c.width = Math.round(W * dpr); c.height = Math.round(CH * dpr);
      c.style.width = `${W}px`; c.style.height = `${CH}px`;
      c.setAttribute("role", "img");
      return [key, c];
    });
    const grid = rEl("canvas", "ll-grid", side);
    const D = Math.min(W, 224);
    grid.width = grid.height = D;
    grid.setAttribute("role", "img");
    const note = rEl("div", "ll-caption", side);
    note.setAttribute("aria-live", "polite");
    const view = { run, map, curves, grid, D, note, draw: null };
    gridImages(run).then((f) => { view.draw = f; show(k); });
    return view;
  });
  const legend = rEl("div", "ll-legend", root);
  payload.names.forEach((name, c) => {
    const item = rEl("span", "ll-item", legend);
    rEl("span", "ll-chip", item).style.background = payload.colors[c];
    item.appendChild(document.createTextNode(name));
  });

  function show(step) {
    k = step;
    const t = clock[k];
    scrub.value = k;
    when.textContent = fmtEpoch(t);
    for (const v of views) {
      const r = v.run, j = Math.max(0, r.t.findLastIndex((s) => s <= t + 1e-9));
      const ended = t > r.t[r.t.length - 1] + 1e-9;
      drawMap(v.map, S, r, j, payload.colors, fs);
      const mu = r.frame(j);
      let spread = 0;
      for (let i = 0; i < mu.length; i++) spread = Math.max(spread, Math.abs(mu[i]));
      const rec = r.curves.test_recon[j], kl = r.curves.test_kl[j];
      const terms = `reconstruction ${rec.toFixed(1)} nats` +
        (Number.isFinite(kl) ? `, KL ${kl.toFixed(2)} nats` : "");
      v.map.setAttribute("aria-label", `${r.title}: codes of ${r.n} test images at ` +
        `${fmtEpoch(r.t[j])}, spread up to ±${spread.toFixed(1)}`);
      v.curves.forEach(([key, c]) => {
        drawCurve(c, W, CH, r, key, j, tMax, key === "recon" ? "reconstruction (nats)" : "KL (nats)", fs);
        c.setAttribute("aria-label", `${key === "recon" ? "Reconstruction" : "KL"} curve of ${r.title}`);
      });
      if (v.draw) v.draw(v.grid.getContext("2d"), j, v.D);
      v.grid.setAttribute("aria-label", `${r.title}: an 8 by 8 grid decoded over the map at ${fmtEpoch(r.t[j])}`);
      v.note.textContent = `${ended ? `finished at ${fmtEpoch(r.t[j])}` : fmtEpoch(r.t[j])}: ${terms}`;
    }
  }

  function report() { setStateValue("frame", k); }
  function stop() {
    playing = false;
    clearInterval(timer);
    play.textContent = "▶ Play";
    report();
  }
  play.addEventListener("click", () => {
    if (playing) return stop();
    if (k >= clock.length - 1) show(0);
    playing = true;
    play.textContent = "❚❚ Pause";
    timer = setInterval(() => (k < clock.length - 1 ? show(k + 1) : stop()), 1000 / (data.fps || 4));
  });
  scrub.addEventListener("input", () => { if (playing) stop(); show(+scrub.value); });
  scrub.addEventListener("change", report);
  show(k);
  return () => clearInterval(timer);
}
