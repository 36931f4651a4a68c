// The MLP decoder in plain JavaScript: Linear -> ReLU -> ... -> Linear -> sigmoid.
// Weights arrive float16 or float32 (row-major, out x in) in vae_core.export's binary payload.
// Used by the live components and, in CI, by tests/js/parity.mjs against PyTorch.

function halfToFloat(h) {
  // IEEE 754 binary16 -> number, exactly (subnormals, infinities and NaN included)
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

let halfTable = null; // all 65,536 float16 values, built once: a lookup per weight

function asFloat32(a) {
  // float16 arrive as their bits (Uint16Array); float32 pass through
  if (!(a instanceof Uint16Array)) return a;
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = halfTable[a[i]];
  return out;
}

function unpack(bytes) {
  // vae_core.export.pack: "LL01", uint32 header length, JSON header, 8-byte aligned arrays.
  // Returns the JSON tree with every {"__array__": i} replaced by a typed array.
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const buf = u8.byteOffset % 8 === 0 ? u8.buffer : u8.slice().buffer;
  const base = u8.byteOffset % 8 === 0 ? u8.byteOffset : 0;
  const magic = String.fromCharCode(...u8.subarray(0, 4));
  if (magic !== "LL01") throw new Error(`not a Latent Lab payload (${magic})`);
  const n = new DataView(buf, base + 4, 4).getUint32(0, true);
  const head = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + n)));
  const types = { float16: Uint16Array, float32: Float32Array, uint8: Uint8Array };
  const arrays = head.arrays.map((a) => new types[a.dtype](buf, base + a.offset, a.length));
  const fill = (x) => {
    if (Array.isArray(x)) return x.map(fill);
    if (x && typeof x === "object") {
      if ("__array__" in x) return arrays[x.__array__];
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fill(v)]));
    }
    return x;
  };
  return fill(head.tree);
}

function denseLayer(l) {
  // Stored transposed (in x out): out += h[i] * row i, and a zero ReLU input, about half of
  // them, skips its whole row. That halves the multiply-adds of a decode.
  const w = asFloat32(l.w);
  const wt = new Float32Array(w.length);
  for (let j = 0; j < l.out; j++)
    for (let i = 0; i < l.in; i++) wt[i * l.out + j] = w[j * l.in + i];
  const b = asFloat32(l.b);
  // one view per row, made once: V8 runs `row[j]` ~25% faster than `wt[off + j]` here
  const rows = Array.from({ length: l.in }, (_, i) => wt.subarray(i * l.out, (i + 1) * l.out));
  const nOut = l.out;
  return {
    nIn: l.in, nOut,
    run(h, o) {
      o.set(b);
      for (let i = 0; i < l.in; i++) {
        const hi = h[i];
        if (hi === 0) continue;
        const row = rows[i];
        for (let j = 0; j < nOut; j++) o[j] += hi * row[j];
      }
    },
  };
}

function convTLayer(l, inputChw) {
  // PyTorch's ConvTranspose2d as a scatter: each non-zero input pixel adds its k x k patch of
  // weights to the output. Weights reordered (cin, ky, kx, cout) and the output laid out
  // (y, x, channel) so the innermost loop runs over contiguous memory.
  const { cin, cout, k, stride, pad, hin, win, hout, wout } = l;
  const w = asFloat32(l.w); // (cin, cout, k, k)
  const wt = new Float32Array(w.length);
  for (let ci = 0; ci < cin; ci++)
    for (let co = 0; co < cout; co++)
      for (let t = 0; t < k * k; t++) wt[(ci * k * k + t) * cout + co] = w[(ci * cout + co) * k * k + t];
  const b = asFloat32(l.b);
  const taps = Array.from({ length: cin * k * k }, (_, t) => wt.subarray(t * cout, (t + 1) * cout));
  return {
    nIn: cin * hin * win, nOut: cout * hout * wout,
    run(h, o) {
      for (let q = 0; q < hout * wout; q++) for (let co = 0; co < cout; co++) o[q * cout + co] = b[co];
      for (let iy = 0; iy < hin; iy++) {
        for (let ix = 0; ix < win; ix++) {
          for (let ci = 0; ci < cin; ci++) {
            const v = inputChw ? h[(ci * hin + iy) * win + ix] : h[(iy * win + ix) * cin + ci];
            if (v === 0) continue;
            for (let ky = 0; ky < k; ky++) {
              const oy = iy * stride - pad + ky;
              if (oy < 0 || oy >= hout) continue;
              for (let kx = 0; kx < k; kx++) {
                const ox = ix * stride - pad + kx;
                if (ox < 0 || ox >= wout) continue;
                const tap = taps[ci * k * k + ky * k + kx], oo = (oy * wout + ox) * cout;
                for (let co = 0; co < cout; co++) o[oo + co] += v * tap[co];
              }
            }
          }
        }
      }
    },
  };
}

function makeDecoder(spec) {
  // Dense layers, then (conv decoders) transposed convs; ReLU between layers, sigmoid at the end.
  // A convT after a dense layer reads its input as (C, H, W), after another convT as (H, W, C);
  // the last one has one channel, where both layouts are the same 28 x 28 image.
  const layers = spec.layers.map((l, k) =>
    l.type === "convT" ? convTLayer(l, k === 0 || spec.layers[k - 1].type !== "convT") : denseLayer(l));
  const bufs = layers.map((l) => new Float64Array(l.nOut));
  const latentDim = layers[0].nIn;
  const outSize = layers[layers.length - 1].nOut;

  function decode(z, out) {
    let h = z;
    for (let k = 0; k < layers.length; k++) {
      const o = bufs[k];
      layers[k].run(h, o);
      if (k < layers.length - 1) {
        for (let j = 0; j < o.length; j++) if (o[j] < 0) o[j] = 0;
      }
      h = o;
    }
    for (let j = 0; j < outSize; j++) out[j] = 1 / (1 + Math.exp(-h[j]));
    return out;
  }
  return { decode, latentDim, outSize };
}

function digitPainter(canvas) {
  // Draws 28x28 probabilities into `canvas`, upscaled without smoothing (crisp pixels).
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  const sg = small.getContext("2d");
  const img = sg.createImageData(28, 28);
  const dg = canvas.getContext("2d");
  dg.imageSmoothingEnabled = false;
  return function paint(px) {
    for (let i = 0; i < 784; i++) {
      const q = Math.round(px[i] * 255);
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = q;
      img.data[4 * i + 3] = 255;
    }
    sg.putImageData(img, 0, 0);
    dg.drawImage(small, 0, 0, canvas.width, canvas.height);
  };
}

const decoderCache = new Map(); // parsed weights survive the reruns that re-render a component

function decoderFor(spec) {
  // spec.id is the checkpoint's content hash (vae_core.export.decoder_spec)
  if (!decoderCache.has(spec.id)) decoderCache.set(spec.id, makeDecoder(spec));
  return decoderCache.get(spec.id);
}

// Static payloads (test codes, decoder weights: megabytes) reach the page once, in a hidden
// "payload" element whose message never changes, so Streamlit's message cache keeps it from being
// sent again; the visible components get small JSON naming the payload by id and wait for it here.
globalThis.__llStatic = globalThis.__llStatic || { data: new Map(), waiting: new Map() };

function putStatic(payload) {
  const reg = globalThis.__llStatic;
  if (reg.data.has(payload.id)) return;
  reg.data.set(payload.id, payload);
  if (reg.data.size > 32) reg.data.delete(reg.data.keys().next().value); // oldest first
  (reg.waiting.get(payload.id) || []).forEach((resolve) => resolve(payload));
  reg.waiting.delete(payload.id);
}

function getStatic(id) {
  const reg = globalThis.__llStatic;
  if (reg.data.has(id)) return Promise.resolve(reg.data.get(id));
  return new Promise((resolve) => {
    if (!reg.waiting.has(id)) reg.waiting.set(id, []);
    reg.waiting.get(id).push(resolve);
  });
}

function dataOf(component) {
  // ui.live sends a component's data as {json: one JSON string}: lists or dicts in it would
  // make Streamlit look for data frames there, which imports pandas and pyarrow into the server.
  const d = component.data;
  return d && typeof d.json === "string" ? JSON.parse(d.json) : d;
}

function mountWhenLoaded(component, mount) {
  // Runs mount(component, payload) once the payload named by component.data.static is here;
  // returns the cleanup Streamlit calls before the next render.
  let disposed = false, cleanup = null, stopFit = () => {};
  getStatic(dataOf(component).static).then((payload) => {
    if (disposed) return;
    cleanup = mount(component, payload) || null;
    stopFit = growToFit(component.parentElement);
  });
  return () => {
    disposed = true;
    stopFit();
    if (cleanup) cleanup();
  };
}

function growToFit(parentElement) {
  // The page reserves each component's height before it draws (no layout shift: ui.live's
  // estimate). Where the drawing comes out taller (a title that wraps, a legend on two lines),
  // the element's box grows to it, so nothing is drawn over what follows.
  const root = parentElement.querySelector(".ll-root") || parentElement;
  const host = parentElement.getRootNode().host || parentElement;
  const box = host.closest('[data-testid="stElementContainer"]');
  if (!box) return () => {};
  const fit = () => {
    const need = Math.ceil(root.getBoundingClientRect().bottom - box.getBoundingClientRect().top);
    if (need > box.clientHeight + 1) box.style.setProperty("min-height", `${need}px`);
  };
  const watch = new ResizeObserver(fit);
  watch.observe(root);
  fit();
  return () => watch.disconnect();
}
