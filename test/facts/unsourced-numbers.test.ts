import { describe, expect, it } from "vitest";
import { findUnsourcedNumbers, proseOf, sentencesOf } from "./unsourced-numbers.js";

const find = (md: string) => findUnsourcedNumbers(md, "t.md").map((f) => f.quantity);

describe("the unsourced-number detector", () => {
  it("flags a Cloudflare limit written out, and each quantity in the sentence", () => {
    expect(find("The Workers limits page allows 400 ms for the global scope and 128 MB of memory.")).toEqual(["400 ms", "128 MB"]);
    expect(find("A Durable Object takes about 1,000 requests per second.")).toEqual(["about 1,000 requests per second"]);
    expect(find("Cloudflare blocked a 7.3 Tbps attack.")).toEqual(["7.3 Tbps"]);
    expect(find("Cloudflare reported 0.003% wrong decisions.")).toEqual(["0.003%"]);
    expect(find("| values over 128 KiB | **KV** | a DO value is at most 128 KiB |")).toEqual(["128 KiB", "128 KiB"]);
  });

  it("flags the year of a blog post written out, since a citation renders it", () => {
    expect(find('"Cloud Computing without Containers" (Cloudflare blog, 2018) makes the argument.')).toEqual(["2018"]);
    expect(find("In 2018 the weather was fine.")).toEqual([]);
  });

  it("flags a blog post's year at the end of a sentence too, but not a version number", () => {
    expect(find("Cloudflare wrote about 0-RTT in a blog post in 2016.")).toEqual(["2016"]);
    expect(find("Cloudflare's post on 0-RTT came out in 2017!")).toEqual(["2017"]);
    expect(find("The post covers release 2017.3 of the tool.")).toEqual([]);
  });

  it("flags counts Cloudflare publishes: data centres, cities, countries, subrequests, connections", () => {
    expect(find("Cloudflare's network spans 330 cities in 120 countries.")).toEqual(["330 cities", "120 countries"]);
    expect(find("The attack was dropped in 477 data centres, Cloudflare says.")).toEqual(["477 data centres"]);
    expect(find("A paid Worker may make up to 10,000 subrequests and 6 simultaneous outgoing connections.")).toEqual(["10,000 subrequests", "6 simultaneous outgoing connections"]);
    expect(find("The simulation has 410 PoPs in 330 cities.")).toEqual([]);
  });

  it("flags rates written with a slash: writes/s, reads/s, requests/s", () => {
    expect(find("KV allows 1 write/s per key.")).toEqual(["1 write/s"]);
    expect(find("A Durable Object takes about 1,000 requests/s.")).toEqual(["about 1,000 requests/s"]);
  });

  it("accepts figures that come from the registry", () => {
    expect(find("The Workers limits page allows {{fact:workers.startupMsMax}} for the global scope.")).toEqual([]);
    expect(find("A Durable Object takes about [1,000 requests per second][do.requestsPerSecondSoftMax].")).toEqual([]);
    expect(find("{{cite:cf-blog-cloud-without-containers}} makes the argument.")).toEqual([]);
  });

  it("does not accept a reference link whose label is not in the registry", () => {
    expect(find("A Durable Object takes about [1,000 requests per second][made.up].")).toEqual(["1,000 requests per second"]);
  });

  it("accepts a sentence that says the figure was measured or simulated here", () => {
    expect(find("On this platform a KV read measured 0 ms and a Durable Object read 88 ms.")).toEqual([]);
    expect(find("In the simulation the limit L is 10 000 per 10 s.")).toEqual([]);
    expect(find("In the model, a KV copy is kept for 60 s.")).toEqual([]);
  });

  it("does not take a product's name for a measurement label: \"KV's model\" is Cloudflare's design", () => {
    expect(find("KV's model caches a value for 60 s at each PoP.")).toEqual(["60 s"]);
  });

  it("ignores numbers without Cloudflare wording, in code, in generated blocks and in link targets", () => {
    expect(find("The round trip from Sydney takes 250 ms.")).toEqual([]);
    expect(find("The limit is `400 ms` in the old code.")).toEqual([]);
    expect(find("```ts\n// Cloudflare: 400 ms\n```")).toEqual([]);
    expect(find("<!-- figures:begin -->\nCloudflare limit 400 ms\n<!-- figures:end -->")).toEqual([]);
    expect(find("<!-- sources:begin -->\n- Cloudflare docs: 1 s limit\n<!-- sources:end -->")).toEqual([]);
    expect(find("See [the Cloudflare docs](https://example.com/limits-400ms).")).toEqual([]);
  });

  it("applies an allow-list entry only in its own file and only to the quantity it names", () => {
    const md = "The Workers limits page allows 400 ms and 128 MB.";
    const allow = [{ file: "t.md", text: "allows 400 ms", reason: "a test" }];
    expect(findUnsourcedNumbers(md, "t.md", allow).map((f) => f.quantity)).toEqual(["128 MB"]);
    expect(findUnsourcedNumbers(md, "other.md", allow).map((f) => f.quantity)).toEqual(["400 ms", "128 MB"]);
  });

  it("splits prose into sentences, table rows and list items", () => {
    expect(sentencesOf(proseOf("One. Two\nlines.\n\n- item one\n- item two\n\n| a | b |\n|---|---|"))).toEqual(["One.", "Two lines.", "- item one", "- item two", "| a | b |", "|---|---|"]);
  });
});
