// A drawing pad: white ink on black like MNIST. On every pen lift the picture goes to Python as
// a PNG data URL (state "png"); "Clear" sends null. Pointer events cover mouse, pen and touch.

export default function (component) {
  const { parentElement, setStateValue, data } = component;
  const root = parentElement.querySelector(".ll-root");
  const size = (data && data.size) || 280;
  root.innerHTML = "";
  const canvas = document.createElement("canvas");
  canvas.className = "ll-pad";
  canvas.width = canvas.height = size;
  canvas.style.touchAction = "none"; // no scrolling while drawing on a tablet
  const clear = document.createElement("button");
  clear.className = "ll-clear";
  clear.type = "button";
  clear.textContent = "Clear";
  root.append(canvas, clear);
  const ctx = canvas.getContext("2d");
  const blank = () => { ctx.fillStyle = "#000"; ctx.fillRect(0, 0, size, size); };
  blank();
  ctx.strokeStyle = "#fff";
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.lineWidth = Math.round(size / 12);
  let last = null;

  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * size / r.width, (e.clientY - r.top) * size / r.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    ctx.beginPath();
    ctx.arc(last[0], last[1], ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fillStyle = "#fff";
    ctx.fill();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!last) return;
    const p = at(e);
    ctx.beginPath();
    ctx.moveTo(last[0], last[1]);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    last = p;
  });
  const lift = () => {
    if (!last) return;
    last = null;
    setStateValue("png", canvas.toDataURL("image/png"));
  };
  canvas.addEventListener("pointerup", lift);
  canvas.addEventListener("pointercancel", lift);
  clear.addEventListener("click", () => { blank(); setStateValue("png", null); });
}
