// The MLP decoder in plain JavaScript: Linear -> ReLU -> ... -> Linear -> sigmoid.
// Weights arrive as base64 float16 or float32 (row-major, out x in) from vae_core.export.
// Used by the live components and, in CI, by tests/js/parity.mjs against PyTorch.

function b64ToFloat32(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

function halfToFloat(h) {
  // IEEE 754 binary16 -> number, exactly (subnormals, infinities and NaN included)
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

let halfTable = null; // all 65,536 float16 values, built once: a lookup per weight

function b64ToWeights(b64, dtype) {
  if (dtype !== "float16") return b64ToFloat32(b64);
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  const bin = atob(b64);
  const out = new Float32Array(bin.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = halfTable[bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8)];
  return out;
}

function makeDecoder(spec) {
  // Every layer is stored transposed (in x out): out += h[i] * row i, and a zero ReLU input,
  // about half of them, skips its whole row. That halves the multiply-adds of a decode.
  const layers = spec.layers.map((l) => {
    const w = b64ToWeights(l.w, spec.dtype);
    const wt = new Float32Array(w.length);
    for (let j = 0; j < l.out; j++)
      for (let i = 0; i < l.in; i++) wt[i * l.out + j] = w[j * l.in + i];
    return { w: wt, b: b64ToWeights(l.b, spec.dtype), nIn: l.in, nOut: l.out };
  });
  const bufs = layers.map((l) => new Float64Array(l.nOut));
  const latentDim = layers[0].nIn;
  const outSize = layers[layers.length - 1].nOut;

  function decode(z, out) {
    let h = z;
    for (let k = 0; k < layers.length; k++) {
      const { w, b, nIn, nOut } = layers[k];
      const o = bufs[k];
      o.set(b);
      for (let i = 0; i < nIn; i++) {
        const hi = h[i];
        if (hi === 0) continue;
        const off = i * nOut;
        for (let j = 0; j < nOut; j++) o[j] += hi * w[off + j];
      }
      if (k < layers.length - 1) {
        for (let j = 0; j < nOut; j++) if (o[j] < 0) o[j] = 0;
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
  const l0 = spec.layers[0];
  const id = spec.layers.map((l) => `${l.in}x${l.out}`).join("-") + l0.b.slice(0, 64) + l0.w.slice(-64);
  if (!decoderCache.has(id)) decoderCache.set(id, makeDecoder(spec));
  return decoderCache.get(id);
}
