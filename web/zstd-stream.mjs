// Module: unpacks a zstd stream as it arrives (issue 17): Pyodide's WebAssembly module, which
// the site ships as zstd (sitebuild/recompress.py), in the engine worker (web/worker.mjs).
//
// The decoder is the vendored zstddec (zstd's C decoder in WebAssembly). It unpacks from a
// synchronous iterable of chunks, and asks it for the next chunk only once it has used up the
// one before. Chunks arrive asynchronously, so it is driven one chunk behind: asked for output
// only while a chunk it has not taken yet waits (so it never finds the input at an end too
// early), and run to its end once the input has ended. A corrupt or cut-off file makes it
// throw, which errors the stream.

// @ts-expect-error: written by the build beside Pyodide (sitebuild/recompress.py), typed below
import { ZSTDDecoder as UntypedDecoder } from "../pyodide/zstddec-stream.mjs";

/** @type {typeof import("zstddec/stream").ZSTDDecoder} */
const ZSTDDecoder = UntypedDecoder;

/**
 * @param {ReadableStream<Uint8Array>} compressed
 * @returns {ReadableStream<Uint8Array>} its bytes unpacked
 */
export function unzstd(compressed) {
  /** @type {Uint8Array[]} chunks the decoder has not taken yet */
  const waiting = [];
  /** @type {Iterator<Uint8Array>} */
  const input = {
    next: () => {
      const value = waiting.shift();
      return value === undefined ? { done: true, value } : { done: false, value };
    },
  };
  const decoder = new ZSTDDecoder();
  /** @type {Generator<Uint8Array> | undefined} */
  let output;
  return compressed.pipeThrough(
    new TransformStream({
      async start() {
        await decoder.init();
        output = decoder.decodeStreaming({ [Symbol.iterator]: () => input });
      },
      transform(chunk, controller) {
        waiting.push(chunk);
        while (waiting.length > 0) {
          const next = /** @type {Generator<Uint8Array>} */ (output).next();
          if (next.done) throw new Error("zstd: the decoder ended before its input");
          controller.enqueue(next.value);
        }
      },
      flush(controller) {
        for (const bytes of /** @type {Generator<Uint8Array>} */ (output)) {
          controller.enqueue(bytes);
        }
      },
    }),
  );
}
