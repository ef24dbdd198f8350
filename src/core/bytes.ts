/**
 * Joins byte chunks into one fresh array (never a view of a pooled buffer, unlike
 * `Buffer.concat`, so its `.buffer` holds exactly these bytes). `totalBytes` saves a pass when
 * the caller has counted already. The in-isolate runtime keeps its own copy: it cannot import
 * host modules.
 */
export function concatBytes(chunks: readonly Uint8Array[], totalBytes?: number): Uint8Array {
  const out = new Uint8Array(totalBytes ?? chunks.reduce((n, chunk) => n + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
