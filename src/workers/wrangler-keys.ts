/**
 * The top-level keys of wrangler.toml, sorted by what this platform does with them. The list
 * of keys and which of them environments inherit follow wrangler's own config types
 * (workers-sdk, `config/environment.ts`: `EnvironmentInheritable` / `EnvironmentNonInheritable`).
 */

/** Keys this platform reads. */
export const SUPPORTED_KEYS: ReadonlySet<string> = new Set([
  "name",
  "main",
  "compatibility_date",
  "compatibility_flags",
  "vars",
  "define",
  "kv_namespaces",
  "durable_objects",
  "triggers",
  "limits",
  "rules",
  "build",
  "migrations",
  "minify",
  "jsx_factory",
  "jsx_fragment",
  "tsconfig",
  // This platform's own: `[origin] url` puts the edge in front of a local app; `[waf]` picks
  // the managed rules (the OWASP CRS, its paranoia level and anomaly threshold); `[routing]
  // smart = true` sends the origin leg over the fastest measured backbone path (Argo-style).
  "origin",
  "waf",
  "routing",
]);

/** Keys an `[env.<name>]` section takes from the top level when it does not set them. */
export const INHERITABLE_KEYS: ReadonlySet<string> = new Set([
  "name",
  "main",
  "compatibility_date",
  "compatibility_flags",
  "triggers",
  "limits",
  "rules",
  "build",
  "migrations",
  "minify",
  "jsx_factory",
  "jsx_fragment",
  "tsconfig",
  "origin",
  "waf",
  "routing",
]);

/** Keys wrangler knows that change nothing when a Worker runs locally (deployment settings). */
export const IGNORED_KEYS: ReadonlySet<string> = new Set([
  "$schema",
  "account_id",
  "workers_dev",
  "preview_urls",
  "route",
  "routes",
  "usage_model",
  "logpush",
  "observability",
  "placement",
  "upload_source_maps",
  "send_metrics",
  "keep_vars",
  "keep_names",
  "tail_consumers",
  "compliance_region",
  "first_party_worker",
  "logfwdr",
  "dev",
  "zone_id",
  "legacy_env",
  "base_dir",
  "preserve_file_names",
]);

/** Keys wrangler knows that this platform cannot honour, with what the user loses. */
export const UNSUPPORTED_KEYS: ReadonlyMap<string, string> = new Map([
  ["no_bundle", "the worker is always bundled"],
  ["find_additional_modules", "only modules the bundle imports are included"],
  ["alias", "imports are resolved without aliases"],
  ["node_compat", "the legacy polyfills are gone; use compatibility_flags = [\"nodejs_compat\"]"],
  ["assets", "static assets are not served"],
  ["site", "Workers Sites are not served"],
  ["wasm_modules", "service-worker format globals are not provided; import the .wasm file instead"],
  ["text_blobs", "service-worker format globals are not provided; import the file instead"],
  ["data_blobs", "service-worker format globals are not provided; import the file instead"],
  ...[
    "r2_buckets",
    "d1_databases",
    "services",
    "queues",
    "analytics_engine_datasets",
    "ai",
    "browser",
    "vectorize",
    "hyperdrive",
    "mtls_certificates",
    "send_email",
    "dispatch_namespaces",
    "workflows",
    "unsafe",
    "version_metadata",
    "secrets_store_secrets",
    "images",
    "containers",
    "pipelines",
    "ratelimits",
    "cloudchamber",
  ].map((key): [string, string] => [key, "these bindings are not in the worker's env"]),
]);
