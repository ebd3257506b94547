// The interactive algorithm: enhances the static step page once the engine is ready.
//
// Served from /assets/walker/walker.mjs on algorithm pages. The page already shows the current
// step as static HTML whose answers are plain links, so a reader can start at once (and with
// JavaScript off). Meanwhile this module starts the engine (Pyodide in a module worker, one per
// tab, kept across Material's instant navigation: see prefetch.mjs) and, when it is ready, swaps
// the static step for the live one, carrying over the answers of the page. Every step goes on
// the page a screenful per frame (splitIntoFrames), so no frame is long even on a slow phone.
//
// The state of a walk is a token: in the page (`data-token`), in share links (`BASE#<token>`) and
// in every engine response (see engine/bridge.py for the requests). The engine renders all step
// HTML from escaped Markdown; text from the URL is never inserted as HTML (notices use
// textContent). Controls are found by their data attributes (see engine/render.py).

import { failureNotice, watchStartup } from "./loading.mjs";
import { engineWorker } from "./prefetch.mjs";

/** How long one step may take (the first also fetches the flow) before the walker says so. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A token as the engine writes them (engine/token.py: at most 4096 characters). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,4096}$/;

/**
 * What often sticks to a link pasted into text: a full stop, a closing bracket or quote, a
 * space. Stripped from the end of a share link (a token never ends in any of these).
 */
const TRAILING_JUNK = /[\s.,;:!?)\]}>'"\u00bb\u201d\u2019]+$/u;

const NOTICE_OFFLINE =
  "You are offline, and the interactive version is not saved on this device yet: it is kept " +
  "once the algorithm has been used while online. Offline, the reading pages and the steps " +
  "you have opened before still work.";
const NOTICE_SHARED_LOST = "The answers in the link could not be opened, so this is the first step.";
const NOTICE_OPENING = "Opening the shared answers…";
const NOTICE_ERROR = "That did not work. Please try again, or start again.";

/** The tab's engine connection ({ready, request}), made on first use. */
let engine = null;
/** The walker on the current page, if any. */
let current = null;

// --- The engine: one worker per tab -----------------------------------------------------------

function getEngine() {
  if (engine === null) engine = connectEngine();
  return engine;
}

function failedEngine(reason) {
  const ready = Promise.reject(new Error(reason));
  ready.catch(() => {});
  return { ready, request: () => ready, preload: () => {} };
}

function connectEngine() {
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    return failedEngine("this browser has no WebAssembly or no Web Workers");
  }
  let tab;
  try {
    tab = engineWorker(); // throws where module workers are not supported
  } catch (error) {
    return failedEngine(`the engine worker could not start: ${error}`);
  }
  const { worker } = tab;
  const pending = new Map();
  let nextId = 1;
  worker.addEventListener("message", (event) => {
    const { id, response, error } = event.data ?? {};
    if (!pending.has(id)) return;
    const { resolve, reject } = pending.get(id);
    pending.delete(id);
    if (error !== undefined) reject(new Error(error));
    else resolve(response);
  });
  // No fixed give-up while bytes arrive; progress shown meanwhile (loading.mjs).
  const ready = Promise.race([tab.ready, watchStartup(worker, tab.ready)]);

  // A worker that crashes after start-up answers nothing more: fail what is waiting.
  worker.addEventListener("error", () => {
    for (const { reject } of pending.values()) reject(new Error("the engine worker stopped"));
    pending.clear();
  });

  /** One request to engine.bridge.handle; resolves to its response object. */
  const request = (body) =>
    ready.then(
      () =>
        new Promise((resolve, reject) => {
          const id = `walker-${nextId++}`;
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new Error("the engine did not answer"));
          }, REQUEST_TIMEOUT_MS);
          pending.set(id, {
            resolve: (response) => {
              clearTimeout(timer);
              resolve(response);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          });
          worker.postMessage({ id, request: body });
        }),
    );
  /**
   * Let the worker fetch a flow while the runtime is still starting (no answer expected); `rev`
   * (the page's data-flow-rev) makes it fetch exactly this build's flow JSON.
   */
  const preload = (flow, rev) => worker.postMessage({ type: "load-flow", flow, rev });
  return { ready, request, preload };
}

// --- One walker on one page -------------------------------------------------------------------

class Walker {
  constructor(root) {
    this.root = root;
    this.flow = root.dataset.flow;
    this.siteRoot = root.dataset.siteRoot ?? "";
    this.pageToken = root.dataset.token ?? "";
    this.pagePath = location.pathname;
    this.token = this.pageToken;
    this.startToken = null; // from the first engine response
    this.editing = null; // {token, step} while an earlier answer is being changed
    this.summaryText = "";
    this.busy = false;
    this.popPending = false; // a history move arrived while busy
    this.prepared = new Map(); // JSON of an answer to the shown step -> the engine's response
    this.renders = 0; // counts steps put on the page: a later one stops an earlier one's frames
    this.given = loadAnswers(this.flow); // step token -> the answer given there (see restoreAnswers)
    this.live = root.parentElement.querySelector(".walker-live"); // written by build_site.py
    root.addEventListener("click", (event) => this.onClick(event));
    root.addEventListener("submit", (event) => this.onSubmit(event));
    root.addEventListener("change", (event) => this.onTick(event));
  }

  get mounted() {
    return current === this && this.root.isConnected;
  }

  /** Start (or reuse) the engine and take over the static page when it is ready. */
  async start() {
    const shared = tokenFromFragment();
    this.root.dataset.state = "loading";
    if (shared !== null && shared !== this.pageToken) this.showNotice(NOTICE_OPENING);
    try {
      getEngine().preload(this.flow, this.root.dataset.flowRev);
      await getEngine().ready;
      const response = await this.ask({ op: "open", token: shared ?? this.pageToken });
      if (!response.ok) throw new Error(response.error);
      if (this.mounted) await this.takeOver(response);
    } catch (error) {
      if (!this.mounted) return;
      console.warn("walker:", error);
      this.root.dataset.state = "failed";
      // Blame what is to blame: offline, the runtime is simply not on this device yet.
      const reason = failureNotice(error, NOTICE_OFFLINE);
      const lost = shared !== null && shared !== this.pageToken;
      this.showNotice(lost ? `${NOTICE_SHARED_LOST} ${reason}` : reason);
    }
  }

  ask(fields) {
    return getEngine().request({ flow: this.flow, site_root: this.siteRoot, ...fields });
  }

  /**
   * First live render: same place, height kept, focus only if it was here. The new step is
   * built in this task and put on the page after the next paint (see place()).
   */
  async takeOver(response) {
    // A page opened at the first step starts a new walk: nothing from an earlier patient.
    if (response.token === response.start_token) this.forget();
    const step = this.build(response);
    await afterNextPaint();
    if (!this.mounted) return;
    const hadFocus = this.root.contains(document.activeElement);
    this.root.style.minHeight = `${this.root.offsetHeight}px`;
    await this.place(response, step, { focus: hadFocus, announce: Boolean(response.notice) });
    if (!this.mounted) return;
    this.root.style.minHeight = ""; // the live step is complete: the page may take its height
    this.root.dataset.state = "ready";
    const fragment = tokenFromFragment();
    if (
      response.notice ||
      (fragment !== null && response.token === this.startToken) ||
      (fragment !== null && location.hash !== `#${fragment}`)
    ) {
      // A refused share link: drop it from the address bar so a reload starts cleanly. One
      // with a trailing full stop or bracket: write it as the site writes it.
      history.replaceState(history.state, "", this.urlFor(response.token));
    }
    if (this.popPending) this.onPopState();
  }

  /** Put a response on the page: the engine's step HTML, then the walker's own tools. */
  show(response, options) {
    return this.place(response, this.build(response), options);
  }

  /** A fragment (not yet on the page) with the nodes that show a response. */
  build(response) {
    const template = document.createElement("template");
    template.innerHTML = response.html; // engine-rendered from escaped Markdown (engine/render.py)
    const step = template.content;
    if (this.editing) step.prepend(noticeElement(response.editing_note));
    if (response.notice) step.prepend(noticeElement(response.notice));
    restoreAnswers(step, this.given.get(response.token));
    fillNoteTime(step);
    step.append(this.toolbar(response.kind === "outcome"));
    return step;
  }

  /**
   * Show a step a screenful at a time: the first part in this task (painted in the next frame,
   * which also moves the focus), the rest one part per frame (see splitIntoFrames). Until the
   * whole step is there the walker is `aria-busy` and `data-token` still names the step before.
   * Resolves when the step is complete, or when another one has replaced it.
   */
  async place(response, step, { focus = true, announce = true } = {}) {
    const render = ++this.renders;
    const isCurrent = () => this.renders === render && this.mounted;
    const laterFrames = splitIntoFrames(step);
    const prepared = (this.prepared = new Map());
    this.token = response.token;
    this.startToken = response.start_token;
    this.summaryText = response.summary_text;
    this.root.setAttribute("aria-busy", "true");
    this.root.replaceChildren(step);
    this.root.dataset.kind = response.kind;
    // Set with the new step (data-token follows once it is complete), so the chrome above it
    // (walker.css) has its final height before the step is scrolled into view.
    this.root.dataset.atStart = String(response.token === response.start_token);
    this.root.classList.toggle("walker--editing", this.editing !== null);
    if (announce) {
      this.announce([response.notice, response.announce].filter(Boolean).join(" "));
    }
    // Focusing makes the browser style and lay out the page; in the frame it does that anyway.
    // The heading (and, on an outcome, its key actions) may come in a later frame than the
    // first (an outcome's answers list and notices go first): focus once it is there.
    let focused = !focus;
    const focusWhenThere = () => {
      if (!focused && isCurrent() && this.root.querySelector("h2") !== null) {
        focused = true;
        this.focusHeading();
      }
    };
    requestAnimationFrame(focusWhenThere);
    // One frame more after the last part: by then the heading has the focus.
    for (const frame of [...laterFrames, []]) {
      await afterNextPaint();
      if (!isCurrent()) return;
      for (const [marker, node] of frame) marker.replaceWith(node);
      focusWhenThere();
    }
    // The outcome's box may have grown above the fold while it came in: place it once more.
    if (focus && response.kind === "outcome") this.scrollToHeading();
    this.root.dataset.token = response.token;
    this.root.removeAttribute("aria-busy");
    whenIdle(() => this.prepareAnswers(prepared, isCurrent));
  }

  /**
   * While the reader reads a step, ask the engine for the step behind each of its answers, one
   * at a time: a click then shows the next step without waiting for the engine. Responses
   * depend only on the token and the answer, so a prepared one is exactly what a click would
   * get. Of a checklist's many answers only the commonest is prepared: nothing ticked. Changes
   * to earlier answers are asked for when they happen.
   */
  async prepareAnswers(prepared, isCurrent) {
    const choices = [...this.root.querySelectorAll("button[data-action=choose]")].map(
      (button) => button.dataset.choice,
    );
    if (this.root.querySelector("button[data-action=continue]") !== null) choices.push(null);
    if (this.root.querySelector("form[data-action=tick]") !== null) choices.push([]);
    for (const choice of choices) {
      // Stop once another step is shown (it has a map of its own), or an answer is being changed.
      if (!isCurrent() || this.editing) return;
      const key = JSON.stringify(choice);
      const response = this.ask({ op: "choose", token: this.token, choice });
      prepared.set(key, response);
      await response.catch(() => prepared.delete(key)); // asked again on a click
    }
  }

  /** Copy, share and print: built from fixed labels, never from flow or URL text. */
  toolbar(outcome) {
    const bar = document.createElement("div");
    bar.className = "walker-tools";
    const add = (action, label) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "md-button walker-tool";
      button.dataset.action = action;
      button.textContent = label;
      bar.append(button);
    };
    if (this.editing) add("cancel", "Keep the earlier answers");
    if (outcome) add("copy-note", "Copy note");
    add("copy", outcome ? "Copy full summary" : "Copy summary");
    add("share", typeof navigator.share === "function" ? "Share" : "Copy share link");
    add("print", "Print");
    // Only where there is a keyboard worth the hint (not on a touch phone).
    if (window.matchMedia?.("(hover: hover) and (pointer: fine)").matches) {
      const keys = document.createElement("p");
      keys.className = "walker-keys";
      keys.textContent =
        "Keyboard: number keys choose an answer or tick an item, Enter continues, B goes back.";
      bar.append(keys);
    }
    return bar;
  }

  focusHeading() {
    const heading = this.root.querySelector("h2");
    if (heading === null) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    this.scrollToHeading();
  }

  /**
   * Bring the step to the top of the screen, under the sticky header (walker.css gives the
   * scroll margin). An outcome's urgency line sits above its heading: the whole outcome box
   * goes to the top, on every outcome, so its urgency, title and key actions are the first
   * screen. A question step is scrolled only when its heading is off the upper half.
   */
  scrollToHeading() {
    const heading = this.root.querySelector("h2");
    if (heading === null) return;
    const outcome = heading.closest(".outcome");
    const shown = outcome ?? this.root.querySelector("section.step") ?? heading;
    const top = shown.getBoundingClientRect().top;
    const header = document.querySelector(".md-header")?.getBoundingClientRect().bottom ?? 0;
    if (outcome !== null || top < header || top > window.innerHeight * 0.5) {
      shown.scrollIntoView({ block: "start" });
    }
  }

  announce(text) {
    // Emptied first, then filled in the next frame: screen readers then repeat even a same text.
    this.live.textContent = "";
    requestAnimationFrame(() => {
      this.live.textContent = text;
    });
  }

  showNotice(text) {
    this.root.querySelector(":scope > .walker-notice")?.remove();
    this.root.prepend(noticeElement(text));
  }

  /** The share link of a state: BASE#<token> (BASE alone for the start). */
  urlFor(token) {
    return token === this.startToken ? this.baseUrl() : `${this.baseUrl()}#${token}`;
  }

  /** BASE: the flow's start page; every other static step page is BASE<token>/. */
  baseUrl() {
    const suffix = `${this.pageToken}/`;
    if (this.pageToken !== this.startToken && this.pagePath.endsWith(`/${suffix}`)) {
      return this.pagePath.slice(0, -suffix.length);
    }
    return this.pagePath;
  }

  /** The token the address bar stands for (null: another page). */
  tokenFromLocation() {
    const shared = tokenFromFragment();
    if (shared !== null) return shared;
    if (location.pathname === this.pagePath) return this.pageToken;
    if (location.pathname === this.baseUrl()) return this.startToken;
    return null;
  }

  // --- Actions ---------------------------------------------------------------------------

  /** One engine request from a user action (ignored while another is in flight). */
  async act(fields, { push = true, editing = null, prepared = undefined } = {}) {
    if (this.busy) return;
    this.busy = true;
    this.root.setAttribute("aria-busy", "true");
    try {
      const response = await (prepared?.catch(() => this.ask(fields)) ?? this.ask(fields));
      if (!this.mounted) return;
      if (!response.ok) throw new Error(response.error);
      this.root.style.minHeight = "";
      this.editing = editing;
      // Not awaited: the reader may answer as soon as the answers are on the page.
      this.show(response);
      if (push && !editing && response.token !== this.tokenFromLocation()) {
        history.pushState(null, "", this.urlFor(response.token));
      }
    } catch (error) {
      console.warn("walker:", error);
      if (this.mounted) {
        this.showNotice(NOTICE_ERROR);
        this.root.removeAttribute("aria-busy");
      }
    } finally {
      this.busy = false;
    }
    if (this.popPending) this.onPopState();
  }

  choose(choice) {
    this.remember(this.token, choice);
    if (this.editing) {
      const { token, step } = this.editing;
      return this.act({ op: "change", token, step, choice });
    }
    const prepared = this.prepared.get(JSON.stringify(choice));
    return this.act({ op: "choose", token: this.token, choice }, { prepared });
  }

  /** Remember the answer given on the shown step: Back (walker or browser) shows it again. */
  remember(token, choice) {
    if (choice === null) return;
    this.given.delete(token);
    this.given.set(token, choice);
    saveAnswers(this.flow, this.given);
  }

  /**
   * Start again: asked first when answers would be lost (Back, the browser's Back and the
   * answers list keep them; a new walk does not).
   */
  restart() {
    if (this.token !== this.startToken && !window.confirm(CONFIRM_RESTART)) return undefined;
    this.forget();
    return this.act({ op: "restart", token: this.token });
  }

  /** A new walk: the answers remembered for Back belong to the walk before (another patient). */
  forget() {
    this.given.clear();
    saveAnswers(this.flow, this.given);
  }

  back() {
    if (this.editing) return this.cancelEdit();
    if (this.root.querySelector("[data-action=back]") === null) return undefined;
    return this.act({ op: "back", token: this.token });
  }

  edit(step) {
    const token = this.editing ? this.editing.token : this.token;
    return this.act({ op: "edit", token, step }, { editing: { token, step } });
  }

  cancelEdit() {
    return this.act({ op: "open", token: this.editing.token }, { push: false });
  }

  onClick(event) {
    if (this.root.dataset.state !== "ready") return;
    const control = event.target.closest("[data-action]");
    if (control === null || !this.root.contains(control) || control.tagName === "FORM") return;
    event.preventDefault();
    const action = control.dataset.action;
    if (action === "choose") this.choose(control.dataset.choice);
    else if (action === "continue") this.choose(null);
    else if (action === "back") this.back();
    else if (action === "restart") this.restart();
    else if (action === "change") this.edit(Number(control.dataset.step));
    else if (action === "cancel") this.cancelEdit();
    else if (action === "copy") this.copy(this.summaryText, "Summary copied.");
    else if (action === "copy-note") this.copy(this.noteText(), "Note copied.");
    else if (action === "share") this.share();
    else if (action === "print") window.print();
  }

  /** The plain clinical note of the outcome shown (engine-rendered `data-note`), else the summary. */
  noteText() {
    const note = this.root.querySelector("[data-note]");
    if (note === null) return this.summaryText;
    fillNoteTime(note);
    return note.textContent.trim();
  }

  /**
   * The share link: the static page of this state where there is one (it opens the same step
   * without JavaScript), with the answers in the fragment for the walker. The phone's share
   * sheet where there is one, else the clipboard.
   */
  async share() {
    const url = new URL(await this.staticUrlFor(this.token), location.href).href;
    if (typeof navigator.share === "function") {
      try {
        await navigator.share({ title: document.title, url });
        return;
      } catch (error) {
        if (error?.name === "AbortError") return; // the reader closed the share sheet
      }
    }
    this.copy(url, "Share link copied.");
  }

  /**
   * BASE<token>/ when the build wrote a static page for the state (every state a route's
   * static links reach; a checklist answered with other ticks than the static page's has none),
   * else BASE#<token>, which the walker opens on the start page.
   */
  async staticUrlFor(token) {
    if (token === this.startToken) return this.baseUrl();
    const page = `${this.baseUrl()}${token}/`;
    try {
      const response = await fetch(page, { method: "HEAD" });
      if (response.ok) return `${page}#${token}`;
    } catch {
      // Offline and not cached: the fragment link still works once the walker runs.
    }
    return this.urlFor(token);
  }

  /** "None of these" (`data-none`) excludes every other item of its checklist, and they it. */
  onTick(event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.checked || box.form === null) return;
    if (box.form.dataset.action !== "tick") return;
    const others = box.hasAttribute("data-none")
      ? box.form.querySelectorAll("input[type=checkbox]:checked:not([data-none])")
      : box.form.querySelectorAll("input[type=checkbox][data-none]:checked");
    for (const other of others) if (other !== box) other.checked = false;
  }

  /** A checklist is a form: submitting it continues with the ticked items. */
  onSubmit(event) {
    const form = event.target;
    if (form.dataset.action !== "tick") return;
    event.preventDefault();
    if (this.root.dataset.state !== "ready") return;
    const ticked = [...form.querySelectorAll("input[name=item]:checked")].map((box) => box.value);
    this.choose(ticked);
  }

  /** Clipboard API where allowed; else the old copy command; else leave the text selected. */
  async copy(text, done) {
    try {
      await navigator.clipboard.writeText(text);
      this.announce(done);
      return;
    } catch {
      // No Clipboard API here (plain HTTP, an old browser, a refused permission).
    }
    this.root.querySelector(".walker-copy-fallback")?.remove();
    const area = document.createElement("textarea");
    area.className = "walker-copy-fallback";
    area.setAttribute("readonly", "");
    area.setAttribute("aria-label", "Text to copy");
    area.value = text;
    this.root.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    if (copied) {
      area.remove();
      this.announce(done);
    } else {
      area.classList.add("walker-copy-fallback--shown");
      area.focus();
      area.select();
      this.announce("Copying is blocked here: the text is selected, copy it with your keyboard.");
    }
  }

  /**
   * Number keys choose answers, tick checklist items, or continue an information step (1);
   * Enter on a ticked box continues the checklist; Backspace or b goes back.
   */
  onKey(event) {
    if (this.root.dataset.state !== "ready" || this.busy) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    const target = event.target;
    const typing =
      target instanceof HTMLElement &&
      (target.isContentEditable ||
        ["TEXTAREA", "SELECT"].includes(target.tagName) ||
        (target.tagName === "INPUT" && target.type !== "checkbox"));
    if (typing) return;
    if (/^[1-9]$/.test(event.key)) {
      const index = Number(event.key) - 1;
      const boxes = this.root.querySelectorAll("form[data-action=tick] input[name=item]");
      const choices = this.root.querySelectorAll(
        "button[data-action=choose], button[data-action=continue]",
      );
      const control = boxes.length > 0 ? boxes[index] : choices[index];
      if (control) {
        event.preventDefault();
        control.click();
        if (boxes.length > 0) control.focus();
      }
    } else if (event.key === "Enter" && target instanceof HTMLInputElement && target.form) {
      // Enter on a checklist box continues, as it would in a text field of the same form.
      event.preventDefault();
      target.form.requestSubmit();
    } else if (event.key === "Backspace" || event.key === "b") {
      event.preventDefault();
      this.back();
    }
  }

  /** Browser back/forward (or an edited fragment): show the state the address bar names. */
  onPopState() {
    // Pressed while a step, or the walker itself, was loading: handled when it has arrived (the
    // last press wins). A walker that never gets ready leaves the static page to the browser.
    this.popPending = this.busy || this.root.dataset.state !== "ready";
    if (this.popPending) return;
    const token = this.tokenFromLocation();
    if (token === null) return;
    if (token === this.token && !this.editing) return;
    this.act({ op: "open", token }, { push: false });
  }
}

/** Resolves once the page's DOMContentLoaded handlers have run (at once if they have). */
function afterPageStart() {
  const [navigation] = performance.getEntriesByType("navigation");
  if (!navigation || navigation.domContentLoadedEventEnd > 0) return Promise.resolve();
  return new Promise((resolve) =>
    document.addEventListener("DOMContentLoaded", () => setTimeout(resolve, 0), { once: true }),
  );
}

/**
 * How many elements one frame puts on the page: a screenful, and few enough that a phone styles,
 * lays out and paints them in well under 50 ms (bench/runtime_bench.py, 4x CPU throttling).
 */
const ELEMENTS_PER_FRAME = 40;

/**
 * Split a step (a fragment not yet on the page) into frames of about ELEMENTS_PER_FRAME elements,
 * in page order. What fits in the first frame stays in the fragment. Each node of a later frame
 * is taken out and a marker comment left in its place; a node too big for one frame comes with
 * its first children, and the rest of them follow in the frames after. Returns the later frames
 * as lists of [marker, node] pairs, to put back in order with `marker.replaceWith(node)`.
 */
function splitIntoFrames(fragment) {
  const laterFrames = [];
  let frame = null; // null: the first frame
  let room = ELEMENTS_PER_FRAME;
  const assign = (node, parentFrame) => {
    const size = elementCount(node);
    const split = size > ELEMENTS_PER_FRAME && node.nodeType === Node.ELEMENT_NODE;
    const ownSize = split ? 1 : size;
    if (ownSize > room) {
      frame = [];
      laterFrames.push(frame);
      room = ELEMENTS_PER_FRAME;
    }
    room -= ownSize;
    const nodeFrame = frame;
    if (nodeFrame !== parentFrame) {
      const marker = document.createComment("");
      node.replaceWith(marker);
      nodeFrame.push([marker, node]);
    }
    if (split) for (const child of [...node.childNodes]) assign(child, nodeFrame);
  };
  for (const child of [...fragment.childNodes]) assign(child, null);
  return laterFrames;
}

/** Elements in a node, itself included. */
function elementCount(node) {
  return node.nodeType === Node.ELEMENT_NODE ? 1 + node.getElementsByTagName("*").length : 0;
}

/** Run `task` when the main thread is idle (soon after the next frame where that is unknown). */
function whenIdle(task) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 100);
}

/** Resolves in a new task after the next frame: what runs then starts a frame of its own. */
function afterNextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(), 0)));
}

const CONFIRM_RESTART =
  "Start again? The answers given so far will be cleared. (To change one answer, use Change in the answers list.)";

/** How many answered steps a tab remembers per flow (sessionStorage: this tab only). */
const REMEMBERED_ANSWERS = 200;

function answersKey(flow) {
  return `walker-answers:${flow}`;
}

/** The answers remembered in this tab (sessionStorage survives a reload and the browser's Back). */
function loadAnswers(flow) {
  try {
    const stored = JSON.parse(sessionStorage.getItem(answersKey(flow)) ?? "[]");
    if (Array.isArray(stored)) {
      return new Map(
        stored.filter(
          (entry) =>
            Array.isArray(entry) &&
            typeof entry[0] === "string" &&
            (typeof entry[1] === "string" ||
              (Array.isArray(entry[1]) && entry[1].every((item) => typeof item === "string"))),
        ),
      );
    }
  } catch {
    // No storage here (private mode, a refused permission) or damaged: remember in memory only.
  }
  return new Map();
}

function saveAnswers(flow, given) {
  while (given.size > REMEMBERED_ANSWERS) given.delete(given.keys().next().value);
  try {
    sessionStorage.setItem(answersKey(flow), JSON.stringify([...given]));
  } catch {
    // As above: kept in memory for this page.
  }
}

/**
 * Show the answer given on this step before: its boxes ticked again, or its answer button
 * marked. Only values that are on the step are used (stored text never becomes markup).
 */
function restoreAnswers(step, given) {
  if (given === undefined) return;
  if (Array.isArray(given)) {
    for (const box of step.querySelectorAll("form[data-action=tick] input[type=checkbox]")) {
      box.checked = given.includes(box.value);
    }
    return;
  }
  for (const button of step.querySelectorAll("button[data-action=choose]")) {
    if (button.dataset.choice === given) {
      button.classList.add("answer--given");
      button.setAttribute("aria-describedby", "walker-given-note");
      const note = document.createElement("span");
      note.className = "walker-given";
      note.id = "walker-given-note";
      note.textContent = " (your earlier answer)";
      button.append(note);
    }
  }
}

/** ISO local date and time, to the minute: 2026-12-01 20:15 (never the ambiguous 12/1/2026). */
function isoLocal(date) {
  const two = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}`
  );
}

/** Fill the note's time of assessment (`<span data-note-time>`, left empty by the engine). */
function fillNoteTime(root) {
  for (const time of root.querySelectorAll("[data-note-time]")) {
    if (time.textContent.trim() !== "") continue;
    const now = new Date();
    time.textContent = isoLocal(now);
  }
}

/** Every source cited on the step, once, by its short label and full reference (link titles). */
function referenceList(root) {
  const seen = new Map();
  for (const link of root.querySelectorAll(".sources a[title]")) {
    const key = link.getAttribute("href");
    if (!seen.has(key)) seen.set(key, [link.textContent.trim(), link.getAttribute("title")]);
  }
  const section = document.createElement("section");
  section.className = "walker-print-refs";
  section.setAttribute("aria-label", "References");
  const heading = document.createElement("p");
  heading.textContent = "References";
  const list = document.createElement("ol");
  for (const [label, reference] of seen.values()) {
    const item = document.createElement("li");
    const strong = document.createElement("strong");
    strong.textContent = label;
    item.append(strong, `: ${reference}`);
    list.append(item);
  }
  section.append(heading, list);
  return section;
}

function noticeElement(text) {
  const notice = document.createElement("p");
  notice.className = "walker-notice";
  notice.textContent = text;
  return notice;
}

/**
 * The walk token in the URL fragment (`BASE#<token>`); null for none or a plain anchor (the id
 * of an element on the page). What sticks to pasted links (a trailing full stop, bracket or
 * space, also %-encoded) is dropped. Anything else that is not a token is returned as it is
 * (at most a character more than a token can have): the engine refuses it with a notice that
 * says why, as it does for every other damaged link.
 */
function tokenFromFragment() {
  const raw = location.hash.slice(1);
  if (raw === "") return null;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // A stray % sign: keep the text as it is; the engine says it is damaged.
  }
  if (document.getElementById(raw) !== null || document.getElementById(text) !== null) return null;
  const trimmed = text.replace(TRAILING_JUNK, "").trimStart();
  if (TOKEN_PATTERN.test(trimmed)) return trimmed;
  return text.slice(0, 4097) || null;
}

// --- Mounting ---------------------------------------------------------------------------------

function mount() {
  const root = document.getElementById("walker");
  if (root === null || current?.root === root) return;
  current = new Walker(root);
  current.start();
}

document.addEventListener("keydown", (event) => {
  if (current?.mounted) current.onKey(event);
});
// The printout says when it was made (the flow version and review date are in the step itself),
// and lists each cited source once, in full, after the step (the step shows short labels).
window.addEventListener("beforeprint", () => {
  if (!current?.mounted) return;
  current.root.querySelector(".walker-printed")?.remove();
  current.root.querySelector(".walker-print-refs")?.remove();
  current.root.append(referenceList(current.root));
  const stamp = document.createElement("p");
  stamp.className = "walker-printed";
  const version = current.root.dataset.flowVersion;
  stamp.textContent =
    `Printed ${isoLocal(new Date())} from ${location.href}` + (version ? `, version ${version}` : "");
  current.root.append(stamp);
});
window.addEventListener("popstate", () => {
  if (current?.mounted) current.onPopState();
});

// Material's instant navigation swaps page content without reloading: `document$` emits for every
// new page. This module may itself arrive with such a swap (its script tag is in the head, which
// Material merges) after the emission for this page, so mount now as well: mount() is idempotent.
// The engine starts at once (it runs in a worker: almost no work here); mounting waits until the
// page (and Material) have started up and painted: the static step is already usable, and the
// walker's work then never lengthens that busy frame.
const mountSoon = () => afterNextPaint().then(mount);
globalThis.document$?.subscribe?.(mountSoon);
const walkerRoot = document.getElementById("walker");
if (walkerRoot?.dataset.flow) getEngine().preload(walkerRoot.dataset.flow, walkerRoot.dataset.flowRev);
afterPageStart().then(mountSoon);
