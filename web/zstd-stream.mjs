// Module: unpacks a zstd stream as it arrives (issue 17): Pyodide's WebAssembly module, which
// the site ships as zstd (sitebuild/recompress.py), in the engine worker (web/worker.mjs).
//
// The decoder is the vendored zstddec (zstd's C decoder in WebAssembly). It unpacks from a
// synchronous iterable of chunks, and asks it for the next chunk only once it has used up the
// one before. Chunks arrive asynchronously, so it is driven one chunk behind: asked for output
// only while a chunk it has not taken yet waits (so it never finds the input at an end too
// early), and run to its end once the input has ended. A cut-off file makes it throw. A corrupt
// one does not: zstddec ignores the decoder's error codes, and then yields empty output forever
// without taking more input, so that is taken as the error (MAX_EMPTY_IN_A_ROW). Either errors
// the stream.

// @ts-expect-error: written by the build beside Pyodide (sitebuild/recompress.py), typed below
import { ZSTDDecoder as UntypedDecoder } from "../pyodide/zstddec-stream.mjs";

/** @type {typeof import("zstddec/stream").ZSTDDecoder} */
const ZSTDDecoder = UntypedDecoder;

/**
 * zstd's decoder makes progress on every call: it takes input or gives output (zstd itself gives
 * up after 16 calls that do neither, ZSTD_NO_FORWARD_PROGRESS_MAX). A sound file gives at most
 * one empty output in a row, whatever its chunks' sizes (1 byte to the whole file, measured).
 */
const MAX_EMPTY_IN_A_ROW = 16;

/**
 * @param {ReadableStream<Uint8Array>} compressed
 * @param {(error: unknown) => void} [onError] told the decoder's error: a reader of the stream
 *   may report only that reading failed (compileStreaming does)
 * @returns {ReadableStream<Uint8Array>} its bytes unpacked
 */
export function unzstd(compressed, onError = () => {}) {
  /** @type {Uint8Array[]} chunks the decoder has not taken yet */
  const waiting = [];
  let emptyInARow = 0; // outputs with no bytes since the decoder last took input or gave bytes
  /** @type {Iterator<Uint8Array>} */
  const input = {
    next: () => {
      emptyInARow = 0;
      const value = waiting.shift();
      return value === undefined ? { done: true, value } : { done: false, value };
    },
  };
  const decoder = new ZSTDDecoder();
  /** @type {Generator<Uint8Array> | undefined} */
  let output;
  /**
   * The decoder's next output, put on the stream; false once it has ended.
   *
   * @param {TransformStreamDefaultController<Uint8Array>} controller
   * @returns {boolean}
   */
  const step = (controller) => {
    const next = /** @type {Generator<Uint8Array>} */ (output).next();
    if (next.done) return false;
    if (next.value.byteLength > 0) {
      emptyInARow = 0;
      controller.enqueue(next.value);
    } else if (++emptyInARow > MAX_EMPTY_IN_A_ROW) {
      throw new Error("zstd: the data is corrupt (the decoder stopped making progress)");
    }
    return true;
  };
  /** @param {() => void} action run; what it throws is told to onError, then thrown on */
  const reporting = (action) => {
    try {
      action();
    } catch (error) {
      onError(error);
      throw error;
    }
  };
  return compressed.pipeThrough(
    new TransformStream({
      async start() {
        await decoder.init();
        output = decoder.decodeStreaming({ [Symbol.iterator]: () => input });
      },
      transform(chunk, controller) {
        waiting.push(chunk);
        reporting(() => {
          while (waiting.length > 0) {
            if (!step(controller)) throw new Error("zstd: the decoder ended before its input");
          }
        });
      },
      flush(controller) {
        reporting(() => {
          while (step(controller));
        });
      },
    }),
  );
}
