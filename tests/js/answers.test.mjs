// Unit tests of web/answers.mjs: the answers a tab remembers, as stored text.
import assert from "node:assert/strict";
import { test } from "node:test";

import { parseAnswers, REMEMBERED_ANSWERS, serialiseAnswers } from "../../web/answers.mjs";

test("stored answers come back as they were given", () => {
  const given = new Map([
    ["start", "adult"],
    ["AbCd12", ["numbness", "fever"]],
  ]);
  assert.deepEqual(parseAnswers(serialiseAnswers(given)), given);
  assert.deepEqual(parseAnswers(null), new Map());
});

test("entries of another shape are dropped, the others kept", () => {
  const text = JSON.stringify([["a", "yes"], ["b", 3], ["c", ["x", 1]], "d", [7, "no"], ["e", []]]);
  assert.deepEqual(
    parseAnswers(text),
    new Map([
      ["a", "yes"],
      ["e", []],
    ]),
  );
  assert.deepEqual(parseAnswers('{"a": "yes"}'), new Map());
  assert.throws(() => parseAnswers("{damaged"), SyntaxError); // loadAnswers starts afresh then
});

test("only the newest answers are kept", () => {
  const given = new Map();
  for (let i = 0; i < REMEMBERED_ANSWERS + 5; i++) given.set(`t${i}`, "yes");
  const kept = parseAnswers(serialiseAnswers(given));
  assert.equal(kept.size, REMEMBERED_ANSWERS);
  assert.ok(!kept.has("t4") && kept.has("t5") && kept.has(`t${REMEMBERED_ANSWERS + 4}`));
});
