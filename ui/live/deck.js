// A lecture's keys and memory (ui.decks): the keys a presentation clicker sends step the deck,
// "b" or "." blanks the screen, "n" hides the narration; the part of the page a step points at
// is outlined; the lecturer's own deck and the places reached are kept in the browser's local
// storage, so that a new session (a replica killed, a tab reopened) finds them again.
//
// A key that goes to another step goes there in the browser, as a link would: the step's address
// becomes one new entry of the history, and Streamlit's own handler of the back button
// (popstate) runs that page with that address; the back button then goes back one step. A key
// that reveals a question's answer asks the server (trigger "action").
//
// data (as {json}): {keys, look, reveal, here, targets: {action: {path, query}}, save: {name:
// text}, want: [names]}; it reports trigger "action" and state "stored" ({name: text}).

const STEP_KEYS = { PageDown: "next", PageUp: "back", Home: "first", End: "last" };
const ARROW_KEYS = { ArrowRight: "next", ArrowLeft: "back", " ": "next" };
const LOOKS = {
  map: (root) => bidi(root, ".ll-stack"),
  digit: (root) => bidi(root, ".ll-digit") || root.querySelector(".ll-figure img"),
  chart: (root) => root.querySelector("svg.ll-chart"),
  slider: (root) => root.querySelector("[data-testid='stSlider']") || bidi(root, ".ll-sliders"),
  samples: (root) => root.querySelector(".ll-figure img"),
  controls: (root) => root.querySelector("[data-testid='stMain'] [data-testid='stHorizontalBlock']"),
};

function bidi(root, sel) {
  // Latent Lab's own components draw in their shadow roots: look inside each
  for (const host of root.querySelectorAll(".stBidiComponent")) {
    const shadows = [host, ...host.querySelectorAll("*")].filter((e) => e.shadowRoot).map((e) => e.shadowRoot);
    if ([host, ...shadows].some((r) => r.querySelector(sel))) return host;
  }
  return null;
}

function typing(el) {
  // keys typed into a text box, or arrows and space meant for a focused map, slider or button,
  // are theirs; Page Down / Page Up still step
  if (!el || el === document.body) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable) return "text";
  if (tag === "INPUT" && !["checkbox", "radio", "button", "range"].includes(el.type)) return "text";
  return "focus";
}

function blank() {
  let cover = document.getElementById("ll-blank");
  if (cover) { cover.remove(); return; }
  cover = document.createElement("div");
  cover.id = "ll-blank";
  cover.setAttribute("role", "presentation");
  cover.style.cssText = "position:fixed;inset:0;background:#000;z-index:2147483647;cursor:none";
  document.body.appendChild(cover);
}

function onKey(e) {
  const deck = window.__llDeck;
  if (!deck || (!deck.keys && !deck.stale) || e.altKey || e.ctrlKey || e.metaKey) return;
  const busy = typing(document.activeElement);
  if (busy === "text") return;
  if (e.key === "b" || e.key === "B" || e.key === ".") { blank(); e.preventDefault(); return; }
  if (e.key === "n" || e.key === "N") {
    document.body.classList.toggle("ll-no-narration");
    e.preventDefault();
    return;
  }
  const action = STEP_KEYS[e.key] || (!busy && ARROW_KEYS[e.key]);
  if (!action) return;
  e.preventDefault();
  e.stopPropagation();
  if (deck.stale) {  // between a press and its step's render: this press waits for it
    window.__llDeckPending = { action, at: Date.now() };
    return;
  }
  act(deck, action);
}

function act(deck, action) {
  document.getElementById("ll-blank")?.remove();
  const target = deck.targets[action];
  if (action === "next" && deck.reveal) {
    deck.stale = true;  // one press, one step: the next press waits for this one's render
    deck.send("action", "next");
  } else if (target) {
    deck.stale = true;
    go(deck.here, target);
  }
}

function go(here, target) {
  // this page's path less its own name is the app's base (it may be served under a prefix)
  let base = location.pathname;
  base = here ? base.replace(new RegExp("/" + here + "/?$"), "") : base.replace(/\/$/, "");
  history.pushState({}, "", `${base}/${target.path}${target.query ? "?" + target.query : ""}`);
  window.dispatchEvent(new PopStateEvent("popstate", { state: {} }));
}

function outline(look) {
  document.querySelectorAll(".ll-look").forEach((el) => el.classList.remove("ll-look"));
  const find = LOOKS[look];
  const el = find && find(document);
  if (!el) return false;
  // a figure (picture and caption) is outlined itself: its markdown container is shorter than
  // it (Streamlit's last-paragraph margin), and an outline on that would cross the caption
  const box = el.closest("figure.ll-figure") || el.closest("[data-testid='stElementContainer']") || el;
  box.classList.add("ll-look");
  return true;
}

export default function (component) {
  const { setTriggerValue, setStateValue } = component;
  const d = component.data && typeof component.data.json === "string" ? JSON.parse(component.data.json) : {};
  for (const [name, text] of Object.entries(d.save || {})) {
    try { if (text === null) localStorage.removeItem(name); else localStorage.setItem(name, text); } catch (err) { /* private mode */ }
  }
  if ((d.want || []).length) {
    const stored = {};
    for (const name of d.want) {
      try { stored[name] = localStorage.getItem(name); } catch (err) { stored[name] = null; }
    }
    setStateValue("stored", stored);
  }
  window.__llDeck = { keys: !!d.keys, send: setTriggerValue, reveal: !!d.reveal, here: d.here || "",
                      targets: d.targets || {} };
  // the step this render shows, for tests and benchmarks: keys pressed from now on act on it
  document.documentElement.dataset.llDeck = d.at || "";
  // "ready" once the server has what this browser keeps (the lecturer's deck, the places)
  document.documentElement.dataset.llStored = (d.want || []).length ? "reading" : "ready";
  const pending = window.__llDeckPending;
  window.__llDeckPending = null;
  if (pending && d.keys && Date.now() - pending.at < 3000) {
    setTimeout(() => act(window.__llDeck, pending.action), 0);
  }
  if (!window.__llDeckListening) {
    document.addEventListener("keydown", onKey, true);
    window.__llDeckListening = true;
  }
  // the page draws after this component: outline what the step points at once it is there
  const timers = [];
  if (d.look) {
    for (const t of [50, 300, 1000, 2500]) timers.push(setTimeout(() => outline(d.look), t));
  } else {
    outline(null);
  }
  return () => {
    timers.forEach(clearTimeout);
    // replaced by the next render (or gone with the page): presses until then wait for it
    if (window.__llDeck && window.__llDeck.send === setTriggerValue) window.__llDeck.stale = true;
  };
}
