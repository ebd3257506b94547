// Unit tests of web/links.mjs: the token in a share link's fragment, BASE and the walker's URLs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_TOKEN_LENGTH, START_TOKEN } from "../../web/contract.mjs";
import { flowBase, shareUrl, stepPageUrl, tokenFromHash } from "../../web/links.mjs";

const noIds = () => false;

test("a fragment that is a token is the token", () => {
  assert.equal(tokenFromHash("#AbC-_9x", noIds), "AbC-_9x");
  assert.equal(tokenFromHash("", noIds), null);
  assert.equal(tokenFromHash("#", noIds), null);
});

test("what sticks to a pasted link is dropped, also %-encoded", () => {
  for (const hash of ["#AbCd12.", "#AbCd12)", "#AbCd12%20", "#AbCd12%E2%80%9D", "#AbCd12.)'"]) {
    assert.equal(tokenFromHash(hash, noIds), "AbCd12", hash);
  }
  assert.equal(tokenFromHash("#%20AbCd12", noIds), "AbCd12");
});

test("a plain anchor (an element's id on the page) is not a token", () => {
  const ids = new Set(["references", "step one"]);
  assert.equal(
    tokenFromHash("#references", (id) => ids.has(id)),
    null,
  );
  assert.equal(
    tokenFromHash("#step%20one", (id) => ids.has(id)),
    null,
  ); // decoded, then looked up
});

test("anything else is handed on as it is, to be refused by the engine with its reason", () => {
  assert.equal(tokenFromHash("#not*a*token", noIds), "not*a*token");
  assert.equal(tokenFromHash("#50%", noIds), "50%"); // a stray % sign: kept undecoded
  const long = "a".repeat(MAX_TOKEN_LENGTH + 10);
  assert.equal(tokenFromHash(`#${long}`, noIds)?.length, MAX_TOKEN_LENGTH + 1);
  assert.equal(tokenFromHash(`#${"a".repeat(MAX_TOKEN_LENGTH)}`, noIds)?.length, MAX_TOKEN_LENGTH);
});

test("BASE is the start page: a step page's path less its token", () => {
  assert.equal(flowBase("/algorithm/", START_TOKEN, START_TOKEN), "/algorithm/");
  assert.equal(flowBase("/algorithm/AbCd12/", "AbCd12", START_TOKEN), "/algorithm/");
  assert.equal(
    flowBase("/site/algorithm/follow-up/AbCd12/", "AbCd12", null),
    "/site/algorithm/follow-up/",
  );
  // A page whose path does not end in its token is the start page itself.
  assert.equal(flowBase("/algorithm/", "AbCd12", START_TOKEN), "/algorithm/");
});

test("share links and step pages", () => {
  assert.equal(shareUrl("/algorithm/", START_TOKEN, START_TOKEN), "/algorithm/");
  assert.equal(shareUrl("/algorithm/", "AbCd12", START_TOKEN), "/algorithm/#AbCd12");
  assert.equal(stepPageUrl("/algorithm/", "AbCd12"), "/algorithm/AbCd12/");
});
