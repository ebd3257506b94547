// Program: the walker (main thread, algorithm pages). Owns the interactive algorithm: it enhances
// the static step page once the engine is ready.
//
// Served from /assets/walker/walker.mjs on algorithm pages. The page already shows the current
// step as static HTML whose answers are plain links, so a reader can start at once (and with
// JavaScript off). Meanwhile the engine starts (engine-client.mjs: Pyodide in a module worker,
// one per tab, kept across Material's instant navigation) and, when it is ready, this module
// swaps the static step for the live one, carrying over the answers of the page. Every step goes
// on the page a screenful per frame (frames.mjs), so no frame is long even on a slow phone.
//
// The state of a walk is a token: in the page (`data-token`), in share links (`BASE#<token>`,
// links.mjs) and in every engine response (engine/contract.py says what crosses; engine/bridge.py
// what each request does). The engine renders all step HTML from escaped Markdown; text from the
// URL is never inserted as HTML (notices use textContent). Controls are found by their
// `data-action` (the contract's ACTIONS).

import { loadAnswers, saveAnswers } from "./answers.mjs";
import {
  ACTIONS,
  CHECKLIST_ITEM_NAME,
  LIVE_REGION_CLASS,
  OPS,
  STATES,
  WALKER_ID,
} from "./contract.mjs";
import { tabEngine } from "./engine-client.mjs";
import { splitIntoFrames } from "./frames.mjs";
import { LAYOUT } from "./layout.mjs";
import { flowBase, shareUrl, stepPageUrl, tokenFromHash } from "./links.mjs";
import { failureNotice } from "./loading.mjs";
import {
  answerChoices,
  fillNoteTime,
  isoLocal,
  noticeElement,
  referenceList,
  restoreAnswers,
  tickedItems,
} from "./step.mjs";

/** @typedef {import("./answers.mjs").Answer} Answer */
/** @typedef {import("./engine-client.mjs").BridgeRequest} BridgeRequest */
/** @typedef {import("./engine-client.mjs").BridgeResponse} BridgeResponse */
/** @typedef {import("./engine-client.mjs").StepResponse} StepResponse */
/** @typedef {import("./step.mjs").Choice} Choice */
/** @typedef {import("./frames.mjs").Placeholder} Placeholder */

const NOTICE_OFFLINE =
  "You are offline, and the interactive version is not saved on this device yet: it is kept " +
  "once the algorithm has been used while online. Offline, the reading pages and the steps " +
  "you have opened before still work.";
const NOTICE_SHARED_LOST =
  "The answers in the link could not be opened, so this is the first step.";
const NOTICE_OPENING = "Opening the shared answers…";
const NOTICE_ERROR = "That did not work. Please try again, or start again.";

/** @type {Walker | null} The walker on the current page, if any. */
let current = null;

/** @typedef {{token: string, step: number}} Editing an earlier answer being changed */
/**
 * A step's nodes, not yet on the page: the first screenful in `fragment`, the rest in
 * `laterFrames` (splitIntoFrames), with the answers a click may give (answerChoices) and what
 * it was built with (the earlier answer shown again, whether an answer was being changed).
 * @typedef {object} Built
 * @property {DocumentFragment} fragment
 * @property {Placeholder[][]} laterFrames
 * @property {Choice[]} choices
 * @property {string} given JSON of the earlier answer restored on it (restoreAnswers)
 * @property {boolean} editing
 */
/**
 * An answer asked for ahead of a click: the engine's response, and once the main thread was
 * idle, its step built off the page (so the click only puts nodes on the page).
 * @typedef {{response: Promise<BridgeResponse>, built?: Built}} PreparedAnswer
 */
/** @typedef {Map<string, PreparedAnswer>} Prepared JSON of an answer -> its preparation */
/** @typedef {{focus?: boolean, announce?: boolean}} PlaceOptions */

// --- One walker on one page -------------------------------------------------------------------

class Walker {
  /** @param {HTMLElement} root the element `#walker` (build_site.py writes it) */
  constructor(root) {
    this.root = root;
    this.flow = root.dataset.flow ?? "";
    this.siteRoot = root.dataset.siteRoot ?? "";
    this.pageToken = root.dataset.token ?? "";
    this.pagePath = location.pathname;
    this.token = this.pageToken;
    /** @type {string | null} from the first engine response */
    this.startToken = null;
    /** @type {Editing | null} while an earlier answer is being changed */
    this.editing = null;
    this.summaryText = "";
    this.busy = false;
    this.popPending = false; // a history move arrived while busy
    /** @type {Prepared} answers to the shown step, asked for ahead (prepareAnswers) */
    this.prepared = new Map();
    this.renders = 0; // counts steps put on the page: a later one stops an earlier one's frames
    this.given = loadAnswers(this.flow); // step token -> the answer given there (see restoreAnswers)
    /** @type {HTMLElement | null} the live region (written by build_site.py) */
    this.live = root.parentElement?.querySelector(`.${LIVE_REGION_CLASS}`) ?? null;
    root.addEventListener("click", (event) => this.onClick(event));
    root.addEventListener("submit", (event) => this.onSubmit(/** @type {SubmitEvent} */ (event)));
    root.addEventListener("change", (event) => this.onTick(event));
  }

  get mounted() {
    return current === this && this.root.isConnected;
  }

  /** Start (or reuse) the engine and take over the static page when it is ready. */
  async start() {
    const shared = tokenFromFragment();
    this.root.dataset.state = STATES.loading;
    if (shared !== null && shared !== this.pageToken) this.showNotice(NOTICE_OPENING);
    try {
      tabEngine().preload(this.flow, this.root.dataset.flowRev);
      await tabEngine().ready;
      const response = await this.ask({ op: OPS.open, token: shared ?? this.pageToken });
      if (!response.ok) throw new Error(response.error);
      if (this.mounted) await this.takeOver(response);
    } catch (error) {
      if (!this.mounted) return;
      console.warn("walker:", error);
      this.root.dataset.state = STATES.failed;
      // Blame what is to blame: offline, the runtime is simply not on this device yet.
      const reason = failureNotice(error, NOTICE_OFFLINE);
      const lost = shared !== null && shared !== this.pageToken;
      this.showNotice(lost ? `${NOTICE_SHARED_LOST} ${reason}` : reason);
    }
  }

  /**
   * One request to the engine about this walker's flow.
   *
   * @param {Omit<BridgeRequest, "flow" | "site_root">} fields
   * @param {import("./engine-client.mjs").RequestOptions} [options]
   * @returns {Promise<BridgeResponse>}
   */
  ask(fields, options = {}) {
    return tabEngine().request({ flow: this.flow, site_root: this.siteRoot, ...fields }, options);
  }

  /**
   * First live render: same place, height kept, focus only if it was here. The new step is
   * built in this task and put on the page after the next paint (see place()).
   *
   * @param {StepResponse} response
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
    this.root.dataset.state = STATES.ready;
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

  /**
   * The nodes that show a response, off the page, split into frames.
   *
   * @param {StepResponse} response
   * @returns {Built}
   */
  build(response) {
    const template = document.createElement("template");
    template.innerHTML = response.html; // engine-rendered from escaped Markdown (engine/render/)
    const step = template.content;
    if (this.editing) step.prepend(noticeElement(document, response.editing_note));
    if (response.notice) step.prepend(noticeElement(document, response.notice));
    const given = this.givenJson(response.token);
    restoreAnswers(step, this.given.get(response.token));
    step.append(this.toolbar(response.kind === "outcome"));
    const choices = answerChoices(step);
    const laterFrames = splitIntoFrames(step);
    return { fragment: step, laterFrames, choices, given, editing: this.editing !== null };
  }

  /**
   * A step built ahead (prepareAnswers) if it is still what build() would make now, else a new one.
   *
   * @param {StepResponse} response
   * @param {Built | undefined} built
   * @returns {Built}
   */
  builtFor(response, built) {
    const fits =
      built !== undefined &&
      !response.notice &&
      built.editing === (this.editing !== null) &&
      built.given === this.givenJson(response.token);
    return fits ? /** @type {Built} */ (built) : this.build(response);
  }

  /**
   * @param {string} token
   * @returns {string} JSON of the answer given on that step before (null: none)
   */
  givenJson(token) {
    return JSON.stringify(this.given.get(token) ?? null);
  }

  /**
   * Show a step a screenful at a time: the first part in this task (painted in the next frame,
   * which also moves the focus), the rest one part per frame (see splitIntoFrames). Until the
   * whole step is there the walker is `aria-busy` and `data-token` still names the step before.
   * Resolves when the step is complete, or when another one has replaced it.
   *
   * @param {StepResponse} response
   * @param {Built} built
   * @param {PlaceOptions} [options]
   */
  async place(response, built, { focus = true, announce = true } = {}) {
    const render = ++this.renders;
    const isCurrent = () => this.renders === render && this.mounted;
    const { fragment: step, laterFrames } = built;
    // The time of the assessment is when the outcome is shown (it may have been built ahead).
    fillNoteTime(step);
    for (const [, node] of laterFrames.flat()) {
      if (node.nodeType === Node.ELEMENT_NODE) fillNoteTime(/** @type {Element} */ (node));
    }
    /** @type {Prepared} */
    const prepared = new Map();
    this.prepared = prepared;
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
    // Ask for the steps behind its answers once the first screenful is painted: the engine
    // works on them in its own thread while this one puts the rest of the step on the page and
    // the reader reads it (and the click's own task stays short).
    if (!this.editing) {
      afterNextPaint().then(() => {
        if (isCurrent()) this.prepareAnswers(prepared, built.choices, isCurrent);
      });
    }
    // The step is scrolled into place in the frame that first shows its heading (reading where
    // it is makes the browser lay out the page, as that frame does anyway), and the heading
    // takes the focus in a task of its own once the frame after it is painted (or as the step
    // completes, if sooner): focus events (Material's focus listeners, the focus ring's class)
    // lengthen neither the frame the reader waits for nor the one that puts the next part on
    // the page. The heading (and, on an outcome, its key actions) may come in a later frame
    // than the first (an outcome's answers list and notices go first).
    let placed = !focus;
    let focused = !focus;
    const focusNow = () => {
      if (!focused && isCurrent()) {
        focused = true;
        this.focusHeading();
      }
    };
    const placeWhenThere = () => {
      if (!placed && isCurrent() && this.root.querySelector("h2") !== null) {
        placed = true;
        this.scrollToHeading();
        // A task posted in a frame's callbacks runs once that frame is painted.
        requestAnimationFrame(() => setTimeout(focusNow, 0));
      }
    };
    requestAnimationFrame(placeWhenThere);
    // Each later part goes on the page at the start of a frame of its own (in its animation
    // frame callback), so that frame styles, lays out and paints it at once. One frame more
    // after the last part: by then the heading has the focus.
    let frameStart = secondFrameStart();
    for (const frame of [...laterFrames, /** @type {typeof laterFrames[number]} */ ([])]) {
      await frameStart;
      if (!isCurrent()) return;
      for (const [marker, node] of frame) marker.replaceWith(node);
      placeWhenThere();
      frameStart = nextFrameStart();
    }
    if (placed) focusNow(); // at the latest before the step counts as complete
    // The outcome's box may have grown above the fold while it came in: place it once more.
    if (focus && response.kind === "outcome") this.scrollToHeading();
    this.root.dataset.token = response.token;
    this.root.removeAttribute("aria-busy");
  }

  /**
   * As soon as a step is shown, ask the engine for the step behind each of its answers (its
   * thread is idle while the reader reads), and once the main thread is idle build each of
   * those steps off the page: a click then only puts nodes on the page, with no engine and no
   * HTML parsing in between. They are asked ahead: the worker answers any request of the
   * reader's own first, and one the reader clicks before it is back next (act()). Responses
   * depend only on the token and the answer, so a prepared one is exactly what a click would
   * get. Of a checklist's many answers only the commonest is prepared: "None of these"
   * (nothing ticked where the checklist has no such box). Changes to earlier answers are asked
   * for when they happen.
   *
   * @param {Prepared} prepared
   * @param {Choice[]} choices
   * @param {() => boolean} isCurrent
   */
  prepareAnswers(prepared, choices, isCurrent) {
    for (const choice of choices) {
      const key = JSON.stringify(choice);
      const response = this.ask({ op: OPS.choose, token: this.token, choice }, { ahead: true });
      /** @type {PreparedAnswer} */
      const entry = { response };
      prepared.set(key, entry);
      response.then(
        (answer) => {
          if (!answer.ok) return;
          whenIdle(() => {
            // Not for a step no longer shown, nor while an answer is being changed.
            if (isCurrent() && !this.editing && prepared.get(key) === entry && !entry.built) {
              entry.built = this.build(answer);
            }
          });
        },
        () => prepared.delete(key), // asked again on a click
      );
    }
  }

  /**
   * Copy, share and print: built from fixed labels, never from flow or URL text.
   *
   * @param {boolean} outcome
   * @returns {HTMLElement}
   */
  toolbar(outcome) {
    const bar = document.createElement("div");
    bar.className = "walker-tools";
    /**
     * @param {string} action
     * @param {string} label
     */
    const add = (action, label) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "md-button walker-tool";
      button.dataset.action = action;
      button.textContent = label;
      bar.append(button);
    };
    if (this.editing) add(ACTIONS.cancel, "Keep the earlier answers");
    if (outcome) add(ACTIONS.copyNote, "Copy note");
    add(ACTIONS.copy, outcome ? "Copy full summary" : "Copy summary");
    add(ACTIONS.share, typeof navigator.share === "function" ? "Share" : "Copy share link");
    add(ACTIONS.print, "Print");
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

  /** Focus the step's heading where it is (place() has scrolled it into view). */
  focusHeading() {
    const heading = this.root.querySelector("h2");
    if (heading === null) return;
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
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

  /** @param {string} text what the live region says */
  announce(text) {
    const live = this.live;
    if (live === null) return;
    // Emptied first, then filled in the next frame: screen readers then repeat even a same text.
    live.textContent = "";
    requestAnimationFrame(() => {
      live.textContent = text;
    });
  }

  /** @param {string} text a notice above the step */
  showNotice(text) {
    this.root.querySelector(":scope > .walker-notice")?.remove();
    this.root.prepend(noticeElement(document, text));
  }

  /**
   * The share link of a state: BASE#<token> (BASE alone for the start).
   *
   * @param {string} token
   * @returns {string}
   */
  urlFor(token) {
    return shareUrl(LAYOUT, this.baseUrl(), token, this.startToken);
  }

  /**
   * BASE: the flow's start page; every other static step page is BASE<token>/.
   *
   * @returns {string}
   */
  baseUrl() {
    return flowBase(LAYOUT, this.pagePath, this.pageToken, this.startToken);
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

  /**
   * One engine request from a user action (ignored while another is in flight).
   *
   * @param {Omit<BridgeRequest, "flow" | "site_root">} fields
   * @param {{push?: boolean, editing?: Editing | null, prepared?: PreparedAnswer}} [options]
   */
  async act(fields, { push = true, editing = null, prepared = undefined } = {}) {
    if (this.busy) return;
    this.busy = true;
    this.root.setAttribute("aria-busy", "true");
    try {
      // Asked ahead and not answered yet: the engine answers it next (engine-client.mjs).
      if (prepared) tabEngine().hurry(prepared.response);
      const asked = prepared?.response.catch(() => this.ask(fields)) ?? this.ask(fields);
      const response = await asked;
      if (!this.mounted) return;
      if (!response.ok) throw new Error(response.error);
      this.root.style.minHeight = "";
      this.editing = editing;
      // Not awaited: the reader may answer as soon as the answers are on the page.
      this.place(response, this.builtFor(response, prepared?.built));
      if (push && !editing) {
        // The address bar follows once the first screenful is painted: pushState costs a
        // phone several milliseconds, which the click need not wait for.
        await afterNextPaint();
        await nextTask();
        if (this.mounted && response.token !== this.tokenFromLocation()) {
          history.pushState(null, "", this.urlFor(response.token));
        }
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

  /** @param {Choice} choice the answer to the shown step */
  choose(choice) {
    this.remember(this.token, choice);
    if (this.editing) {
      const { token, step } = this.editing;
      return this.act({ op: OPS.change, token, step, choice });
    }
    const prepared = this.prepared.get(JSON.stringify(choice));
    return this.act({ op: OPS.choose, token: this.token, choice }, { prepared });
  }

  /**
   * Remember the answer given on the shown step: Back (walker or browser) shows it again.
   *
   * @param {string} token
   * @param {Choice} choice
   */
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
    return this.act({ op: OPS.restart, token: this.token });
  }

  /** A new walk: the answers remembered for Back belong to the walk before (another patient). */
  forget() {
    this.given.clear();
    saveAnswers(this.flow, this.given);
  }

  back() {
    if (this.editing) return this.cancelEdit();
    if (this.root.querySelector(`[data-action=${ACTIONS.back}]`) === null) return undefined;
    return this.act({ op: OPS.back, token: this.token });
  }

  /** @param {number} step the index of the answered step to change */
  edit(step) {
    const token = this.editing ? this.editing.token : this.token;
    return this.act({ op: OPS.edit, token, step }, { editing: { token, step } });
  }

  cancelEdit() {
    if (this.editing === null) return undefined;
    return this.act({ op: OPS.open, token: this.editing.token }, { push: false });
  }

  /** @param {MouseEvent} event */
  onClick(event) {
    if (this.root.dataset.state !== STATES.ready) return;
    const control = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    if (!(control instanceof HTMLElement) || !this.root.contains(control)) return;
    if (control.tagName === "FORM") return;
    event.preventDefault();
    const action = control.dataset.action;
    if (action === ACTIONS.choose) this.choose(control.dataset.choice ?? "");
    else if (action === ACTIONS.continue) this.choose(null);
    else if (action === ACTIONS.back) this.back();
    else if (action === ACTIONS.restart) this.restart();
    else if (action === ACTIONS.change) this.edit(Number(control.dataset.step));
    else if (action === ACTIONS.cancel) this.cancelEdit();
    else if (action === ACTIONS.copy) this.copy(this.summaryText, "Summary copied.");
    else if (action === ACTIONS.copyNote) this.copy(this.noteText(), "Note copied.");
    else if (action === ACTIONS.share) this.share();
    else if (action === ACTIONS.print) window.print();
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
        // The reader closed the share sheet.
        if (error instanceof Error && error.name === "AbortError") return;
      }
    }
    this.copy(url, "Share link copied.");
  }

  /**
   * BASE<token>/ when the build wrote a static page for the state (every state a route's
   * static links reach; a checklist answered with other ticks than the static page's has none),
   * else BASE#<token>, which the walker opens on the start page.
   *
   * @param {string} token
   * @returns {Promise<string>}
   */
  async staticUrlFor(token) {
    if (token === this.startToken) return this.baseUrl();
    const page = stepPageUrl(LAYOUT, this.baseUrl(), token);
    try {
      const response = await fetch(page, { method: "HEAD" });
      if (response.ok) return `${page}#${token}`;
    } catch {
      // Offline and not cached: the fragment link still works once the walker runs.
    }
    return this.urlFor(token);
  }

  /**
   * "None of these" (`data-none`) excludes every other item of its checklist, and they it.
   *
   * @param {Event} event
   */
  onTick(event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.checked || box.form === null) return;
    if (box.form.dataset.action !== ACTIONS.tick) return;
    const others = box.hasAttribute("data-none")
      ? box.form.querySelectorAll("input[type=checkbox]:checked:not([data-none])")
      : box.form.querySelectorAll("input[type=checkbox][data-none]:checked");
    for (const other of others) {
      if (other !== box) /** @type {HTMLInputElement} */ (other).checked = false;
    }
  }

  /**
   * A checklist is a form: submitting it continues with the ticked items.
   *
   * @param {SubmitEvent} event
   */
  onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.action !== ACTIONS.tick) return;
    event.preventDefault();
    if (this.root.dataset.state !== STATES.ready) return;
    const ticked = tickedItems(form);
    // The "None of these" button answers the checklist at once, but never drops a tick.
    const submitter = event.submitter;
    const none =
      submitter instanceof HTMLButtonElement && submitter.hasAttribute("data-none-answer");
    this.choose(none && ticked.length === 0 ? [submitter.value] : ticked);
  }

  /**
   * Clipboard API where allowed; else the old copy command; else leave the text selected.
   *
   * @param {string} text
   * @param {string} done what to announce once it is copied
   */
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
   *
   * @param {KeyboardEvent} event
   */
  onKey(event) {
    if (this.root.dataset.state !== STATES.ready || this.busy) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    const target = event.target;
    const typing =
      target instanceof HTMLElement &&
      (target.isContentEditable ||
        ["TEXTAREA", "SELECT"].includes(target.tagName) ||
        (target instanceof HTMLInputElement && target.type !== "checkbox"));
    if (typing) return;
    if (/^[1-9]$/.test(event.key)) {
      const index = Number(event.key) - 1;
      /** @type {NodeListOf<HTMLElement>} */
      const boxes = this.root.querySelectorAll(
        `form[data-action=${ACTIONS.tick}] input[name=${CHECKLIST_ITEM_NAME}]`,
      );
      /** @type {NodeListOf<HTMLElement>} */
      const choices = this.root.querySelectorAll(
        `button[data-action=${ACTIONS.choose}], button[data-action=${ACTIONS.continue}]`,
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
    this.popPending = this.busy || this.root.dataset.state !== STATES.ready;
    if (this.popPending) return;
    const token = this.tokenFromLocation();
    if (token === null) return;
    if (token === this.token && !this.editing) return;
    this.act({ op: OPS.open, token }, { push: false });
  }
}

/** Resolves once the page's DOMContentLoaded handlers have run (at once if they have). */
function afterPageStart() {
  const [navigation] = /** @type {PerformanceNavigationTiming[]} */ (
    performance.getEntriesByType("navigation")
  );
  if (!navigation || navigation.domContentLoadedEventEnd > 0) return Promise.resolve();
  return new Promise((resolve) =>
    document.addEventListener("DOMContentLoaded", () => setTimeout(resolve, 0), {
      once: true,
    }),
  );
}

/**
 * Run `task` when the main thread is idle (soon after the next frame where that is unknown).
 *
 * @param {() => void} task
 */
function whenIdle(task) {
  if (typeof requestIdleCallback === "function") requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 100);
}

/**
 * Resolves in the next frame's animation frame callbacks: what runs then is rendered in it.
 *
 * @returns {Promise<void>}
 */
function nextFrameStart() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/**
 * Resolves at the start of the frame after the next (the next one renders what is on the page
 * now).
 *
 * @returns {Promise<void>}
 */
function secondFrameStart() {
  return new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
  );
}

/** @returns {Promise<void>} resolves in a task of its own */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Resolves in a new task after the next frame: what runs then starts a frame of its own.
 *
 * @returns {Promise<void>}
 */
function afterNextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(), 0)));
}

const CONFIRM_RESTART =
  "Start again? The answers given so far will be cleared. (To change one answer, use Change in the answers list.)";

/**
 * The walk token in the address bar's fragment (links.mjs says what counts).
 *
 * @returns {string | null}
 */
function tokenFromFragment() {
  return tokenFromHash(location.hash, (id) => document.getElementById(id) !== null);
}

// --- Mounting ---------------------------------------------------------------------------------

function mount() {
  const root = document.getElementById(WALKER_ID);
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
    `Printed ${isoLocal(new Date())} from ${location.href}` +
    (version ? `, version ${version}` : "");
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
const walkerRoot = document.getElementById(WALKER_ID);
if (walkerRoot?.dataset.flow)
  tabEngine().preload(walkerRoot.dataset.flow, walkerRoot.dataset.flowRev);
afterPageStart().then(mountSoon);
