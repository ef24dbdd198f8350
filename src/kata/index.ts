/**
 * The kata harness: stubs throw `NotImplemented`; a level's suite (made with `defineLevel`)
 * grades any implementation — the learner's, the reference solution, or a mutant — and a
 * failure carries fast-check's shrunk counter-example with the seed that replays it.
 */
export { NotImplemented, isNotImplemented } from "./not-implemented.js";
export { defineLevel, requireExport, type LevelSuite, type PropertySpec } from "./level.js";
export { check, contextFromEnv, defaultSeed, PictureFailure, PropertyFailure, type PropertyContext, type CheckParams } from "./property.js";
export { loadCatalog, findLevel, mutantsOf, mutantDescription, REPO_ROOT, type KataInfo, type LevelInfo } from "./catalog.js";
export { loadImplementation, runProperties, importSuite, type Loaded, type PropertyOutcome } from "./grade.js";
export { parseHints, hintsFor } from "./hints.js";
