//! Run codes made and opened in the browser. The scenario is compressed with the browser's own
//! `CompressionStream`, which costs the WebAssembly nothing (a deflate in Rust would add to the first load);
//! `share_code` holds the format. Streams are asynchronous, so both directions are too.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::js_sys::Uint8Array;
use web_sys::{
    ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult, WritableStream,
    WritableStreamDefaultWriter,
};

use crate::share_code::{self, Code, MAX_UNPACKED_BYTES};

// web-sys 0.3 has these streams only behind `--cfg web_sys_unstable_apis`; the lab needs no more than their
// constructors and their two ends.
#[wasm_bindgen]
extern "C" {
    /// A `CompressionStream` or a `DecompressionStream`: bytes written to one end come out of the other.
    type Transform;
    #[wasm_bindgen(catch, constructor, js_class = "CompressionStream")]
    fn compression_stream(format: &str) -> Result<Transform, JsValue>;
    #[wasm_bindgen(catch, constructor, js_class = "DecompressionStream")]
    fn decompression_stream(format: &str) -> Result<Transform, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &Transform) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &Transform) -> WritableStream;
}

/// zlib's deflate: a checksum at the end, so a damaged code fails to unpack (see `share_code`).
const FORMAT: &str = "deflate";

/// The packed bytes go in this many at a time, and the next only once the output so far has been read: a
/// kibibyte of deflate unpacks to at most about a mebibyte, so a code that unpacks to gigabytes stops at the cap
/// after a few pieces instead of being unpacked whole.
const PIECE: usize = 1024;

/// The run code for a scenario: compressed, or in the first, uncompressed format where the browser cannot
/// compress (it has no `CompressionStream`), which opens the same.
pub async fn encode(json: &str) -> String {
    let packed = match Transform::compression_stream(FORMAT) {
        Ok(packer) => run_through(&packer, json.as_bytes(), usize::MAX).await,
        Err(e) => Err(e),
    };
    match packed {
        Ok(Some(bytes)) => share_code::encode_deflated(&bytes),
        _ => share_code::encode(json),
    }
}

/// The scenario JSON in a run code of either format, or what is wrong with the code.
pub async fn decode(code: &str) -> Result<String, String> {
    match share_code::parse(code)? {
        Code::Json(json) => Ok(json),
        Code::Deflated(bytes) => share_code::text(decompress(&bytes).await?),
    }
}

/// The scenario JSON now, when the code needs no unpacking; `None` when it does.
pub fn decode_now(code: &str) -> Option<Result<String, String>> {
    match share_code::parse(code) {
        Ok(Code::Deflated(_)) => None,
        Ok(Code::Json(json)) => Some(Ok(json)),
        Err(problem) => Some(Err(problem)),
    }
}

async fn decompress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let unpacker = Transform::decompression_stream(FORMAT).map_err(|_| {
        "this browser cannot unpack the link's run code (it has no DecompressionStream); open the link \
         in a current browser"
            .to_string()
    })?;
    match run_through(&unpacker, bytes, MAX_UNPACKED_BYTES).await {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(share_code::too_big_unpacked()),
        // The stream's own error says little a learner can use, and differs between browsers.
        Err(_) => Err(
            "the link's run code is damaged or cut short: its compressed scenario does not unpack"
                .to_string(),
        ),
    }
}

/// What `transform` makes of `bytes`, or `None` as soon as that passes `cap` bytes: the stream is then
/// cancelled, so the rest is never produced.
async fn run_through(
    transform: &Transform,
    bytes: &[u8],
    cap: usize,
) -> Result<Option<Vec<u8>>, JsValue> {
    let writer = transform.writable().get_writer()?;
    spawn_local(feed(writer, bytes.to_vec()));
    let reader: ReadableStreamDefaultReader = transform.readable().get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let read: ReadableStreamReadResult = JsFuture::from(reader.read()).await?.unchecked_into();
        if read.get_done().unwrap_or(true) {
            return Ok(Some(out));
        }
        let chunk: Uint8Array = read.get_value().unchecked_into();
        let start = out.len();
        if start + chunk.length() as usize > cap {
            let _ = JsFuture::from(reader.cancel()).await;
            return Ok(None);
        }
        out.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut out[start..]);
    }
}

/// Writes `bytes` a piece at a time, each once the stream is ready for more (its output read), then closes it.
/// A stream that failed or was cancelled stops it; the writes' own outcomes are the reader's to see.
async fn feed(writer: WritableStreamDefaultWriter, bytes: Vec<u8>) {
    for piece in bytes.chunks(PIECE) {
        if JsFuture::from(writer.ready()).await.is_err() {
            return;
        }
        // A future that is dropped still handles its promise's rejection.
        drop(JsFuture::from(
            writer.write_with_chunk(&Uint8Array::from(piece)),
        ));
    }
    drop(JsFuture::from(writer.close()));
}
