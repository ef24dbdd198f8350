import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBook } from "../../book/build.js";
import type { LiveFigure } from "../../book/figures/lib/live.js";
import { hintsFor, loadCatalog, REPO_ROOT } from "../../src/kata/index.js";
import { serveDirectory } from "./static-server.js";

// Debian's chromium, installed by .ci/run; in CI the browser is required. On a learner's
// machine without it the suite says how to get it instead of failing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI requires a browser at ${CHROMIUM} (.ci/run installs Debian's chromium)`);

const SHOTS = join(REPO_ROOT, "test-results", "book");
let outDir: string;
let pages: string[];
let liveFigures: string[];
let server: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "edge-kata-book-"));
  ({ pages, liveFigures } = await buildBook(outDir));
  server = await serveDirectory(outDir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Records what goes wrong on `page` from now on: console errors, page errors, failed or 4xx/5xx requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
  page.on("pageerror", (e) => void problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => void problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => void (r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`)));
  return problems;
}

async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems = watch(page);
  await page.goto(url, { waitUntil: "load" });
  return { page, problems };
}

// Visiting every page takes tens of seconds on a loaded 2-core machine.
describe.runIf(haveBrowser)("the rendered book in Chromium", { timeout: 180_000 }, () => {
  it("loads every page with no console errors, no broken internal links, no missing images and no open spoiler", async () => {
    let spoilers = 0;
    // One tab walks every page, as a reader would: a new tab per page costs a renderer process
    // each (about 0.5 s), four times the page load itself.
    const page = await browser.newPage();
    const problems = watch(page);
    for (const name of pages) {
      problems.length = 0;
      await page.goto(`${server.url}/${name}`, { waitUntil: "load" });
      const states = await page.$$eval("details.spoiler", (ds) => ds.map((d) => (d as HTMLDetailsElement).open));
      spoilers += states.length;
      expect(states.every((open) => !open), `${name}: a spoiler is open`).toBe(true);
      const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href") ?? ""));
      for (const href of links.filter((h) => !/^(https?:|mailto:)/.test(h))) {
        const [file, anchor] = href.split("#");
        const target = file === "" ? name : file!;
        expect(pages.includes(target) || existsSync(join(outDir, target)), `${name}: link to ${href}`).toBe(true);
        if (anchor && pages.includes(target)) {
          expect(readFileSync(join(outDir, target), "utf8"), `${name}: anchor #${anchor} in ${target}`).toContain(`id="${anchor}"`);
        }
      }
      const broken = await page.$$eval("img", (imgs) => imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src));
      expect(broken, `${name}: images that did not load`).toEqual([]);
      expect(problems, name).toEqual([]);
    }
    await page.close();
    expect(spoilers, "the book has spoilers to check").toBeGreaterThan(0);
  });

  it("reaches every chapter and every kata from the table of contents", async () => {
    const { page } = await open(`${server.url}/index.html`);
    const toc = await page.$$eval("nav.sidebar a", (as) => as.map((a) => a.getAttribute("href")));
    expect(new Set(toc)).toEqual(new Set(pages));
    const allText = pages.map((p) => readFileSync(join(outDir, p), "utf8")).join("\n");
    for (const kata of loadCatalog()) expect(allText, `kata ${kata.id} is presented in a chapter`).toContain(`katas/${kata.id}/`);
    await page.close();
  });

  it("finds a known term with the search box, over HTTP and from file://", async () => {
    for (const base of [server.url, pathToFileURL(outDir).href]) {
      const { page, problems } = await open(`${base}/index.html`);
      await page.fill("#search", "Gao-Rexford");
      const hits = await page.$$eval("#search-results li", (lis) => lis.map((li) => li.textContent ?? ""));
      expect(hits.length, `search results from ${base}`).toBeGreaterThan(0);
      // Every hit shows the term in its title or snippet: the search finds it and only it.
      for (const hit of hits) expect(hit.toLowerCase(), `search hit from ${base}`).toContain("gao-rexford");
      // Matches are marked, and only matches.
      const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent ?? ""));
      expect(marks.length).toBeGreaterThanOrEqual(hits.length);
      for (const m of marks) expect(m.toLowerCase()).toBe("gao-rexford");
      // ↓ ↓ ↑ selects the first result again; Enter opens it.
      const firstHref = await page.getAttribute("#search-results li:first-child a", "href");
      for (const key of ["ArrowDown", "ArrowDown", "ArrowUp"]) await page.press("#search", key);
      expect(await page.$$eval("#search-results li", (lis) => lis.map((li) => li.classList.contains("selected")))).toEqual(hits.map((_, i) => i === 0));
      await Promise.all([page.waitForURL((u) => u.href.endsWith(firstHref!)), page.press("#search", "Enter")]);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("search treats the query as text: HTML and regex characters are neither markup nor patterns", async () => {
    const { page, problems } = await open(`${server.url}/index.html`);
    for (const query of ["<b>x</b> lt", "(.*", "__proto__ constructor", "a[b"]) {
      await page.fill("#search", query);
      expect(await page.locator("#search-results b").count(), query).toBe(0);
    }
    await page.fill("#search", "lt amp");
    const html = await page.$eval("#search-results", (r) => r.innerHTML);
    expect(html).not.toMatch(/&<mark>|<mark>(lt|amp)<\/mark>;/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("toggles the dark theme", async () => {
    const { page } = await open(`${server.url}/index.html`);
    const before = await page.getAttribute("html", "data-theme");
    await page.click("#theme-toggle");
    expect(await page.getAttribute("html", "data-theme")).not.toBe(before);
    await page.close();
  });

  it("collapses each level's hints and reveals them one at a time, as `kata hint` does", async () => {
    const { page, problems } = await open(`${server.url}/q1-rate-limiter.html`);
    const kata = loadCatalog().find((k) => k.id === "q1-rate-limiter")!;
    const boxes = page.locator(".callout-hint");
    const withHints = kata.levels.filter((l) => hintsFor(kata.readmePath, l.level).length > 0);
    expect(await boxes.count()).toBe(withHints.length);
    for (const [b, level] of withHints.entries()) {
      const expected = hintsFor(kata.readmePath, level.level);
      const steps = boxes.nth(b).locator("details.hint-step");
      expect(await steps.count(), `${level.ref}: one block per hint`).toBe(expected.length);
      // Nothing is open and only the first hint can be opened.
      expect(await steps.evaluateAll((ds) => ds.filter((d) => (d as HTMLDetailsElement).open).length)).toBe(0);
      expect(await steps.evaluateAll((ds) => ds.map((d) => !(d as HTMLElement).hidden))).toEqual(expected.map((_, i) => i === 0));
      expect(await steps.nth(0).locator(".hint-body").isVisible()).toBe(false);
      for (let i = 0; i < expected.length; i++) {
        await steps.nth(i).locator("summary").click();
        // The toggle handler reveals the next hint after the click returns: wait for it, never read at once.
        await expect.poll(() => steps.nth(i).locator(".hint-body").isVisible(), { message: `${level.ref} hint ${i + 1} opens` }).toBe(true);
        // The hint shown is the i-th of `kata hint`, in order.
        const firstWords = expected[i]!.replace(/[`*_]|\[([^\]]*)\]\[[^\]]*\]/g, "$1").split(/\s+/).slice(0, 3).join(" ");
        expect(await steps.nth(i).locator(".hint-body").innerText()).toContain(firstWords.replace(/'/g, "’"));
        await expect
          .poll(() => steps.evaluateAll((ds) => ds.map((d) => !(d as HTMLElement).hidden)), { message: `${level.ref}: after opening hint ${i + 1}` })
          .toEqual(expected.map((_, j) => j <= i + 1));
      }
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it("on a 390 px phone: a menu button opens the contents, nothing overflows, figure labels stay >= 10 px", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => void problems.push(e.message));
    await page.goto(`${server.url}/cache.html`);
    expect(await page.locator("nav.sidebar").isVisible()).toBe(false);
    const menu = page.locator("#menu-toggle");
    expect(await menu.isVisible()).toBe(true);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await menu.click();
    expect(await page.locator("nav.sidebar").isVisible()).toBe(true);
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Escape");
    expect(await page.locator("nav.sidebar").isVisible()).toBe(false);
    await menu.click();
    await page.locator("nav.sidebar a[href='anycast.html']").click();
    await page.waitForURL(/anycast\.html$/);
    expect(await page.locator("h1").first().innerText()).toMatch(/anycast/i);

    let figures = 0;
    for (const name of pages) {
      await page.goto(`${server.url}/${name}`);
      // The page itself never scrolls sideways; a wide figure scrolls inside its own box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} overflows`).toBeLessThanOrEqual(390);
      const imgs = await page.$$eval("figure img", (list) => list.map((i) => ({ src: i.getAttribute("src")!, width: i.getBoundingClientRect().width })));
      for (const img of imgs) {
        const svg = readFileSync(join(outDir, img.src), "utf8");
        const viewBoxWidth = Number(/viewBox="[^"]*?\s([\d.]+)\s+[\d.]+"/.exec(svg)![1]);
        const fontMin = Math.min(...[...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1])));
        const renderedPx = (fontMin * img.width) / viewBoxWidth;
        expect(renderedPx, `${name}: ${img.src} labels render at ${renderedPx.toFixed(1)} px`).toBeGreaterThanOrEqual(10);
        figures++;
      }
    }
    expect(figures, "the book has figures to check").toBeGreaterThan(5);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("prints the chapter alone: no bars, spoilers and hints open, links with their address", async () => {
    const { page } = await open(`${server.url}/q1-rate-limiter.html`);
    await page.emulateMedia({ media: "print" });
    for (const chrome of [".topbar", "nav.sidebar", ".pager"]) expect(await page.locator(chrome).isVisible(), chrome).toBe(false);
    // checkVisibility() is false inside a closed <details> (its content is content-visibility: hidden).
    const shown = await page.$$eval(".spoiler-body, details.hint-step .hint-body", (els) => els.map((e) => e.checkVisibility()));
    expect(shown.length).toBeGreaterThan(3);
    expect(shown.every(Boolean), "every spoiler and hint body is laid out in print").toBe(true);
    const printedLinks = await page.$$eval("main a[href^='http']", (as) => as.map((a) => getComputedStyle(a, "::after").content));
    expect(printedLinks.length).toBeGreaterThan(0);
    for (const content of printedLinks) expect(content).toMatch(/^" \(" attr\(href\) "\)"$|\(http/);
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator(".spoiler-body").first().evaluate((e) => e.checkVisibility())).toBe(false);
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await page.close();
  });

  it("←/→ open the previous and next chapter, except while typing in the search box", async () => {
    const { page, problems } = await open(`${server.url}/cache.html`);
    const next = await page.getAttribute(".pager a[rel=next]", "href");
    const prev = await page.getAttribute(".pager a[rel=prev]", "href");
    expect(next && prev, "cache.html has both neighbours").toBeTruthy();
    await page.keyboard.press("ArrowRight");
    await page.waitForURL((u) => u.pathname.endsWith(`/${next}`));
    await page.keyboard.press("ArrowLeft");
    await page.waitForURL((u) => u.pathname.endsWith("/cache.html"));
    // In the search box the arrows move the caret. Had ArrowLeft navigated, the ArrowRight
    // after it would lead back to cache.html instead of to the next chapter.
    await page.fill("#search", "cache");
    await page.press("#search", "ArrowLeft");
    await page.press("#search", "Escape");
    await page.keyboard.press("ArrowRight");
    await page.waitForURL((u) => u.pathname.endsWith(`/${next}`));
    expect(problems).toEqual([]);
    await page.close();
  });

  // What each live figure's control is moved to, and words the new picture must contain.
  const LIVE_CHANGES: Record<string, { file: string; value: string; shows: string }> = {
    "rate-limiter-overshoot": { file: "q1-rate-limiter.html", value: "40", shows: "k = 40: overshoot" },
    "kv-staleness": { file: "kv.html", value: "120", shows: "cacheTtl 120 s (simulated)" },
    "anycast-catchments": { file: "anycast.html", value: "LHR", shows: "LHR withdraws" },
  };

  it("live figures: the page's simulation at the default value draws the static figure byte for byte; moving the control redraws it", async () => {
    expect(new Set(liveFigures)).toEqual(new Set(Object.keys(LIVE_CHANGES)));
    for (const name of liveFigures) {
      const change = LIVE_CHANGES[name]!;
      const { page, problems } = await open(`${server.url}/${change.file}`);
      const figure = page.locator(`figure[data-live="${name}"]`);
      const control = figure.locator(".live-control input, .live-control select");
      await expect.poll(() => control.isEnabled(), { timeout: 30_000 }).toBe(true);
      // Same code and seed in the browser, from nothing memoised: the same bytes as the build's SVG.
      const fresh = await page.evaluate(async (n) => {
        const live = (window as unknown as { EDGE_KATA_LIVE: Record<string, LiveFigure> }).EDGE_KATA_LIVE[n]!;
        live.reset();
        return live.render(String(live.control.value));
      }, name);
      expect(fresh, `${name}: in-page render at the default value`).toBe(readFileSync(join(outDir, "figures", `${name}.svg`), "utf8"));

      const staticSrc = await figure.locator("img").getAttribute("src");
      if ((await control.evaluate((e) => e.tagName)) === "SELECT") await control.selectOption(change.value);
      else await control.fill(change.value);
      await expect.poll(() => figure.getAttribute("data-rendered-value"), { timeout: 60_000 }).toBe(change.value);
      const src = (await figure.locator("img").getAttribute("src")) ?? "";
      expect(src).not.toBe(staticSrc);
      expect(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ""))).toContain(change.shows);
      await expect.poll(() => figure.getAttribute("aria-busy")).toBe(null);
      expect(await figure.locator("img").evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);

      if (name === "kv-staleness") {
        // The slider takes the arrow keys (they move it, they do not turn the page).
        await control.focus();
        await page.keyboard.press("ArrowRight");
        await expect.poll(() => figure.getAttribute("data-rendered-value"), { timeout: 60_000 }).toBe("150");
        expect(new URL(page.url()).pathname).toBe(`/${change.file}`);
      }
      expect(problems, name).toEqual([]);
      await page.close();
    }
  });

  it("writes screenshots of the home page and a chapter for review", async () => {
    mkdirSync(SHOTS, { recursive: true });
    for (const [name, file] of [["home", "index.html"], ["chapter", "simulation.html"]] as const) {
      const { page } = await open(`${server.url}/${file}`);
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: join(SHOTS, `${name}.png`) });
      expect(existsSync(join(SHOTS, `${name}.png`))).toBe(true);
      await page.close();
    }
  });
});

if (!haveBrowser) {
  describe("the rendered book (no browser on this machine)", () => {
    it.todo(`needs Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  });
}
