// The Python/browser contract, generated from engine/contract.py (which says what each
// name means): do not edit; `make contract` rewrites it, tests/js/test_contract.py
// fails when it is stale.

/** The token of the state before any answer. */
export const START_TOKEN = "start";

/** No token is longer. */
export const MAX_TOKEN_LENGTH = 4096;

/** A whole token. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,4096}$/;

/** What the worker accepts as a flow id. */
export const FLOW_ID_PATTERN = /^[a-z0-9-]+$/;

/** A flow revision (data-flow-rev). */
export const FLOW_REV_PATTERN = /^[0-9a-f]{1,64}$/;

/** The `op` of a bridge request, by name. */
export const OPS = Object.freeze({
  open: "open",
  choose: "choose",
  back: "back",
  restart: "restart",
  edit: "edit",
  change: "change",
});

/**
 * A request to engine.bridge.handle.
 * @typedef {object} BridgeRequest
 * @property {string} op
 * @property {string} flow
 * @property {string} token
 * @property {string} site_root
 * @property {string | string[] | null} [choice]
 * @property {number} [step]
 */

/**
 * A successful bridge response.
 * @typedef {object} StepResponse
 * @property {true} ok
 * @property {string} token
 * @property {string} start_token
 * @property {string} html
 * @property {string} title
 * @property {string} kind
 * @property {string} announce
 * @property {string} summary_text
 * @property {string} notice
 * @property {string} editing_note
 */

/** Message types main thread -> worker. */
export const TO_WORKER = Object.freeze({
  loadFlow: "load-flow",
  askProgress: "progress?",
  hurry: "hurry",
});

/** Message types worker -> main thread. */
export const FROM_WORKER = Object.freeze({
  ready: "ready",
  failed: "failed",
  progress: "progress",
});

/** The id of the walker element. */
export const WALKER_ID = "walker";

/** The class of the walker's live region. */
export const LIVE_REGION_CLASS = "walker-live";

/** The values of the walker's data-state. */
export const STATES = Object.freeze({
  static: "static",
  loading: "loading",
  ready: "ready",
  failed: "failed",
});

/** Every data-action value. */
export const ACTIONS = Object.freeze({
  choose: "choose",
  continue: "continue",
  tick: "tick",
  back: "back",
  restart: "restart",
  change: "change",
  cancel: "cancel",
  copy: "copy",
  copyNote: "copy-note",
  share: "share",
  print: "print",
});

/** The name of a checklist's boxes. */
export const CHECKLIST_ITEM_NAME = "item";
