// Live sliders: one range input per latent coordinate; the digit is decoded in the browser on
// every input event while dragging, and Python learns the final z on release (state "z"). A
// conditional decoder gets a fixed suffix after z (the one-hot label, data.suffix). With
// data.basis the sliders are steps along directions instead: the decoded code is
// data.origin + Σ value[i] · data.basis[i], and data.names label the sliders.

window.__latentLabFrames = window.__latentLabFrames || []; // decode+draw ms, for benchmarks

export default function (component) {
  return mountWhenLoaded(component, mountSliders);
}

function mountSliders(component, payload) {
  const { parentElement, setStateValue } = component;
  const data = { ...dataOf(component), spec: payload.spec }; // the weights came once, as payload
  const root = parentElement.querySelector(".ll-root");
  const dec = decoderFor(data.spec);
  const D = 28 * Math.max(1, Math.floor(data.digitSize / 28));
  root.innerHTML = "";
  const row = document.createElement("div");
  row.className = "ll-row";
  root.appendChild(row);
  const list = document.createElement("div");
  list.className = data.names ? "ll-sliders ll-named" : "ll-sliders";
  row.appendChild(list);
  const digit = document.createElement("canvas");
  digit.className = "ll-digit";
  digit.width = digit.height = D;
  row.appendChild(digit);
  const paint = digitPainter(digit);
  const z = Float64Array.from(data.z); // the sliders' values
  const basis = data.basis ? data.basis.map((b) => Float64Array.from(b)) : null;
  const code = basis ? Float64Array.from(data.origin) : z;
  const suffix = data.suffix || [];
  const input = new Float64Array(code.length + suffix.length);
  input.set(suffix, code.length);
  const px = new Float64Array(dec.outSize);

  function draw() {
    const t0 = performance.now();
    if (basis) {
      code.set(data.origin);
      basis.forEach((b, i) => b.forEach((v, d) => (code[d] += z[i] * v)));
    }
    input.set(code);
    paint(dec.decode(input, px));
    window.__latentLabFrames.push(performance.now() - t0);
  }

  const inputs = [];
  for (let d = 0; d < z.length; d++) {
    const item = document.createElement("label");
    item.className = "ll-slider";
    const name = document.createElement("span");
    name.textContent = data.names ? data.names[d] : `z${d + 1}`;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", min: data.lo[d], max: data.hi[d], step: data.step, value: z[d] });
    input.dataset.dim = d;
    const value = document.createElement("span");
    value.className = "ll-value";
    const shown = (v) => (basis && v > 0 ? "+" : "") + v.toFixed(2);
    value.textContent = shown(z[d]);
    input.addEventListener("input", () => {
      z[d] = parseFloat(input.value);
      value.textContent = shown(z[d]);
      draw();
    });
    input.addEventListener("change", () => setStateValue("z", Array.from(z)));
    item.append(name, input, value);
    list.appendChild(item);
    inputs.push(input);
  }
  draw();
}
