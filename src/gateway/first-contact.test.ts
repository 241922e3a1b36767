import assert from "node:assert/strict";
import { test } from "node:test";
import { connectMessage, looksLikeHtml, notOpenAiMessage, pageSummary } from "./first-contact.ts";

const err = (code: string, message = `${code}: boom`) => Object.assign(new Error(message), { code });

test("connection errors that mean a wrong address say what to check; others are left to the retries", () => {
  const url = "https://gw.example/v1/chat/completions";
  assert.equal(
    connectMessage(url, err("ENOTFOUND", "getaddrinfo ENOTFOUND gw.example"), "LITELLM_BASE_URL"),
    "cannot reach https://gw.example/v1/chat/completions: host name not found (ENOTFOUND); check the host name in LITELLM_BASE_URL",
  );
  assert.match(
    connectMessage(
      url,
      err("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"),
      "X",
    ) ?? "",
    /certificate not trusted .*NODE_EXTRA_CA_CERTS/,
  );
  assert.match(
    connectMessage(url, err("EPROTO"), "X") ?? "",
    /TLS handshake failed.*http:\/\/ versus https:\/\//,
  );
  assert.equal(connectMessage(url, err("ECONNRESET"), "X"), undefined);
  assert.equal(connectMessage(url, new Error("no code"), "X"), undefined);
});

test("a page is named by its title, cut short, never pasted", () => {
  const page = `<!DOCTYPE html><html><head><title> 502   Bad Gateway </title></head><body>${"x".repeat(5000)}</body></html>`;
  assert.ok(looksLikeHtml(page));
  assert.ok(!looksLikeHtml('{"error":{}}'));
  assert.equal(pageSummary(page), "502 Bad Gateway");
  assert.equal(pageSummary(`<p>${"word ".repeat(50)}</p>`).length, 81);
  const message = notOpenAiMessage(
    "http://h/v1/chat/completions",
    502,
    "text/html",
    page,
    "LITELLM_BASE_URL",
  );
  assert.match(
    message,
    /answered HTTP 502, text\/html with an HTML page "502 Bad Gateway"; a proxy there cannot reach its upstream/,
  );
  assert.ok(message.length < 400);
  assert.match(
    notOpenAiMessage("http://h/v1/models", 404, "text/plain", "404 page not found", "S"),
    /HTTP 404, text\/plain with a non-JSON answer "404 page not found"; check S/,
  );
});
