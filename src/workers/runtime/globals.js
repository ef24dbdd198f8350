// In-isolate fragment: the globals whose classes live in lazy modules (runtime/lazy/*.js). Each
// name is a getter until first read, which compiles its module into this isolate; a worker that
// never reads one never pays for it. Other parts of the platform add their modules the same way
// (a file under runtime/lazy/, its name in LAZY_MODULES in runtime-source.ts, a line here).

lazyGlobals("events", ["Event", "EventTarget", "CustomEvent", "ErrorEvent", "AbortController", "AbortSignal", "DOMException"]);
lazyGlobals("forms", ["Blob", "File", "FormData"]);
lazyGlobals("web-streams", [
  "WritableStream", "WritableStreamDefaultWriter", "WritableStreamDefaultController",
  "TransformStream", "TransformStreamDefaultController", "ByteLengthQueuingStrategy", "CountQueuingStrategy",
  "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest", "ReadableByteStreamController",
  "TextEncoderStream", "TextDecoderStream", "CompressionStream", "DecompressionStream",
  "IdentityTransformStream", "FixedLengthStream",
]);
lazyGlobals("crypto", ["crypto", "Crypto", "SubtleCrypto", "CryptoKey"]);
lazyGlobals("cache", ["caches", "Cache", "CacheStorage"]);
lazyGlobals("html-rewriter", ["HTMLRewriter"]);
lazyGlobals("websocket", ["WebSocket", "WebSocketPair", "WebSocketRequestResponsePair", "MessageEvent", "CloseEvent"]);
lazyGlobals("platform", ["navigator", "Navigator", "scheduler", "addEventListener", "removeEventListener", "dispatchEvent", "reportError"]);
