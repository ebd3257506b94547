// Unit tests of web/engine-client.mjs over a real MessageChannel: one port is the walker's
// "worker", the other answers as web/worker.mjs does ({id, response} or {id, error}).
import assert from "node:assert/strict";
import { test } from "node:test";

import { FROM_WORKER, TO_WORKER } from "../../web/contract.mjs";
import { connect, failedClient } from "../../web/engine-client.mjs";
import { StartupError } from "../../web/loading.mjs";

/**
 * A client over a channel whose far end answers with `answer(request)` (or stays silent when it
 * returns undefined).
 */
function channel(answer, timeoutMs = 1000) {
  const { port1, port2 } = new MessageChannel();
  port2.addEventListener("message", (event) => {
    if (event.data.request === undefined) return;
    const reply = answer(event.data.request);
    if (reply !== undefined) port2.postMessage({ id: event.data.id, ...reply });
  });
  port2.start();
  port1.start();
  const client = connect(port1, Promise.resolve(), timeoutMs);
  return { client, close: () => port1.close() };
}

/** A client over a channel whose far end only records what it receives (and answers nothing). */
function recorded(ready = Promise.resolve(), timeoutMs = 1000) {
  const { port1, port2 } = new MessageChannel();
  const received = [];
  port2.addEventListener("message", (event) => received.push(event.data));
  port2.start();
  port1.start();
  return { client: connect(port1, ready, timeoutMs), received, port1, port2 };
}

test("each request gets its own answer, even when the answers come in another order", async () => {
  const held = [];
  const { client, close } = channel((request) => {
    held.push(request);
    if (held.length < 2) return undefined; // the first is never answered
    return { response: { ok: true, token: request.token } };
  }, 200);
  try {
    const first = client.request({ op: "open", flow: "f", token: "first", site_root: "/" });
    const second = client.request({ op: "open", flow: "f", token: "second", site_root: "/" });
    assert.deepEqual(await second, { ok: true, token: "second" });
    assert.equal(held.length, 2);
    assert.notEqual(held[0], held[1]);
    // The first is still waiting; it would be answered by its own id only.
    const race = await Promise.race([first.then(() => "answered"), Promise.resolve("waiting")]);
    assert.equal(race, "waiting");
    await assert.rejects(first, { message: "the engine did not answer" });
  } finally {
    close();
  }
});

test("an error from the worker rejects that request with its message", async () => {
  const { client, close } = channel(() => ({ error: "flow x: HTTP 404" }));
  try {
    await assert.rejects(
      client.request({ op: "open", flow: "x", token: "start", site_root: "/" }),
      { message: "flow x: HTTP 404" },
    );
  } finally {
    close();
  }
});

test("a request the worker never answers fails after the time limit", async () => {
  const { client, close } = channel(() => undefined, 50);
  try {
    await assert.rejects(
      client.request({ op: "open", flow: "f", token: "start", site_root: "/" }),
      { message: "the engine did not answer" },
    );
  } finally {
    close();
  }
});

test("preload posts a load-flow message; no request goes before the engine is ready", async () => {
  let start;
  const ready = new Promise((resolve) => {
    start = resolve;
  });
  const { client, received, port1 } = recorded(ready, 100);
  client.preload("back-spasm", "abc123");
  const unanswered = client.request({
    op: "open",
    flow: "back-spasm",
    token: "start",
    site_root: "/",
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(received, [{ type: TO_WORKER.loadFlow, flow: "back-spasm", rev: "abc123" }]);
  start();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(received.length, 2);
  assert.equal(received[1].request.token, "start");
  await assert.rejects(unanswered, { message: "the engine did not answer" });
  port1.close();
});

test("a client that cannot start fails every request with the reason", async () => {
  const client = failedClient("this browser has no WebAssembly or no Web Workers");
  await assert.rejects(client.ready, /no WebAssembly/);
  await assert.rejects(
    client.request({ op: "open", flow: "f", token: "start", site_root: "/" }),
    /no WebAssembly/,
  );
});

test("no request is given up while the worker reports bytes arriving", async () => {
  const { port1, port2 } = new MessageChannel();
  port2.addEventListener("message", (event) => {
    if (event.data.request === undefined) return;
    // Bytes of the flow arrive every 10 ms for 1 s (five time limits), then the answer.
    const drip = setInterval(() => port2.postMessage({ type: FROM_WORKER.progress }), 10);
    setTimeout(() => {
      clearInterval(drip);
      port2.postMessage({ id: event.data.id, response: { ok: true, token: "t" } });
    }, 1000);
  });
  port2.start();
  port1.start();
  const client = connect(port1, Promise.resolve(), 200);
  try {
    const request = client.request({ op: "open", flow: "f", token: "t", site_root: "/" });
    assert.deepEqual(await request, { ok: true, token: "t" });
  } finally {
    port1.close();
  }
});

test("a first request with no answer blames the network; once the engine answered, not", async () => {
  let answer = false;
  const { client, close } = channel(() => (answer ? { response: { ok: true } } : undefined), 50);
  try {
    const first = client.request({ op: "open", flow: "f", token: "start", site_root: "/" });
    await assert.rejects(first, (error) => error instanceof StartupError && error.cause === "slow");
    answer = true;
    await client.request({ op: "open", flow: "f", token: "start", site_root: "/" });
    answer = false;
    const later = client.request({ op: "open", flow: "f", token: "start", site_root: "/" });
    await assert.rejects(later, (error) => !(error instanceof StartupError));
  } finally {
    close();
  }
});

test("a request asked ahead says so, and hurry asks for exactly it next until it is answered", async () => {
  const { client, received, port1, port2 } = recorded();
  const body = { op: "choose", flow: "f", token: "t", site_root: "/", choice: "a" };
  const own = client.request(body);
  const ahead = client.request({ ...body, choice: "b" }, { ahead: true });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(
    received.map((message) => [message.request.choice, message.ahead]),
    [
      ["a", false],
      ["b", true],
    ],
  );
  client.hurry(own); // not asked ahead: nothing to hurry
  client.hurry(ahead);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(received.slice(2), [{ type: TO_WORKER.hurry, id: received[1].id }]);
  port2.postMessage({ id: received[1].id, response: { ok: true, token: "b" } });
  assert.deepEqual(await ahead, { ok: true, token: "b" });
  client.hurry(ahead); // answered: nothing more to ask
  port2.postMessage({ id: received[0].id, response: { ok: true, token: "a" } });
  await own;
  assert.equal(received.length, 3);
  port1.close();
});
