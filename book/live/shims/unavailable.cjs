// A Node-only module (the file system, SQLite) in the book's browser bundle: the live figures
// never call it, and any use says so instead of failing obscurely.
module.exports = new Proxy({}, {
  get(_target, name) {
    if (name === "__esModule") return false;
    return function unavailable() {
      throw new Error("not available in the browser: the live figures run the in-memory simulation only (" + String(name) + ")");
    };
  },
});
