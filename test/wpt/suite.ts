/**
 * Which web-platform-tests files the conformance run uses, by area. The tests themselves are not
 * in this repository (they are third-party code): `npm run wpt` reads them from a checkout of
 * the web-platform-tests repository, `WPT_DIR` or `.wpt/` at the repository root.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The web-platform-tests commit the committed results were measured on (2021-07-21). */
export const WPT_COMMIT = "20574795ed2fadf6140492238df53000c2b0c247";

export interface Area {
  name: string;
  /** Folders under the WPT root whose `*.any.js` files are run. */
  dirs: string[];
  /** Files left out, with the reason. */
  skip?: Record<string, string>;
}

const IDL = "checks the Web IDL of a browser (needs the WebIDL parser and interface files)";

export const AREAS: Area[] = [
  {
    name: "streams",
    dirs: ["streams"],
    skip: {
      "streams/idlharness.any.js": IDL,
    },
  },
  { name: "encoding", dirs: ["encoding"], skip: { "encoding/idlharness.any.js": IDL } },
  { name: "FileAPI (Blob, File)", dirs: ["FileAPI/blob", "FileAPI/file"] },
  { name: "FormData", dirs: ["xhr/formdata"] },
  { name: "DOM events and AbortSignal", dirs: ["dom/abort", "dom/events"] },
  { name: "compression", dirs: ["compression"], skip: { "compression/idlharness.https.any.js": IDL } },
  { name: "WebCryptoAPI", dirs: ["WebCryptoAPI"], skip: { "WebCryptoAPI/idlharness.https.any.js": IDL } },
  { name: "fetch API (Request, Response, Headers)", dirs: ["fetch/api/request", "fetch/api/response", "fetch/api/headers"] },
];

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) {
      if (name !== "resources" && name !== "third_party" && name !== "support") out.push(...walk(root, path));
    } else if (name.endsWith(".any.js")) {
      out.push(relative(".", path));
    }
  }
  return out;
}

/** The test files of `area` present in the checkout at `root`, in a stable order. */
export function areaFiles(root: string, area: Area): string[] {
  return area.dirs.flatMap((dir) => walk(root, dir)).filter((file) => area.skip?.[file] === undefined);
}
