//! Sandbox runs in the address bar: the scenario (its set-up and every step taken, forks included) as a run
//! code, so any moment of a run can be linked. This is the pure part: the URL-safe base64 alphabet and the
//! format prefix; the compression itself is the browser's (`share_link`). A tampered code fails with a reason.
//!
//! Two formats open:
//! - `1.<base64 of the scenario JSON compressed with zlib's deflate>`, the one links are made in. The prefix
//!   names the format: base64 never contains a `.`, so no code of the first format can start with `<n>.`, and a
//!   later format can take `2.`. zlib's deflate rather than raw deflate costs 8 characters and carries a
//!   checksum, so a damaged code is refused rather than opened as a slightly different run.
//! - `<base64 of the scenario JSON>`, with no prefix: the first format (`eyJ…`, from `{"`). Links made
//!   before compression keep opening.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The prefix of run codes whose scenario is compressed.
pub const DEFLATE_PREFIX: &str = "1.";

/// The most scenario text a compressed run code may unpack to. A scenario the lab can play is far smaller (a
/// 1,000-step run is about 60 KiB); the cap stops a code made to unpack to gigabytes from freezing the page.
pub const MAX_UNPACKED_BYTES: usize = 4 * 1024 * 1024;

/// What a run code holds, before any unpacking.
#[derive(Debug, PartialEq, Eq)]
pub enum Code {
    /// The scenario JSON itself (the first format).
    Json(String),
    /// The scenario JSON compressed with zlib's deflate, to unpack.
    Deflated(Vec<u8>),
}

/// The run code in the first format, uncompressed: what a browser that cannot compress still links with.
pub fn encode(text: &str) -> String {
    encode_bytes(text.as_bytes())
}

/// The run code of a scenario compressed with zlib's deflate.
pub fn encode_deflated(bytes: &[u8]) -> String {
    format!("{DEFLATE_PREFIX}{}", encode_bytes(bytes))
}

/// Reads a run code's format and base64; a compressed scenario still has to be unpacked.
pub fn parse(code: &str) -> Result<Code, String> {
    if let Some(body) = code.strip_prefix(DEFLATE_PREFIX) {
        return decode_bytes(body).map(Code::Deflated);
    }
    if let Some((format, _)) = code.split_once('.') {
        if !format.is_empty() && format.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the link's run code is in format {format}, which this version of the course cannot open \
                 (the link may come from a newer version)"
            ));
        }
    }
    decode_bytes(code).and_then(text).map(Code::Json)
}

/// The scenario text of unpacked bytes.
pub fn text(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| "the link's run code is damaged".to_string())
}

/// Why a compressed code's scenario is refused when it unpacks to more than `MAX_UNPACKED_BYTES`.
pub fn too_big_unpacked() -> String {
    format!(
        "the link's run code unpacks to more than {} MiB, and the lab opens at most {} MiB of scenario",
        MAX_UNPACKED_BYTES >> 20,
        MAX_UNPACKED_BYTES >> 20
    )
}

fn encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn decode_bytes(code: &str) -> Result<Vec<u8>, String> {
    if code.len() % 4 == 1 {
        return Err("the link's run code has been cut short".to_string());
    }
    let mut bytes = Vec::with_capacity(code.len() * 3 / 4);
    for chunk in code.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let digit = ALPHABET.iter().position(|a| a == c).ok_or_else(|| {
                format!(
                    "the link's run code contains \"{}\", which no link of the course has",
                    *c as char
                )
            })?;
            n |= (digit as u32) << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            bytes.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(code: &str) -> Result<String, String> {
        match parse(code)? {
            Code::Json(json) => Ok(json),
            Code::Deflated(bytes) => panic!("{code} read as compressed: {bytes:?}"),
        }
    }

    #[test]
    fn round_trips_any_text() {
        for text in ["", "a", "ab", "abc", "abcd", "{\"title\": \"ünïcode ✓\"}"] {
            assert_eq!(json_of(&encode(text)).as_deref(), Ok(text));
        }
    }

    #[test]
    fn round_trips_any_bytes_behind_the_prefix() {
        let bytes: Vec<u8> = (0..=255).collect();
        for end in [0, 1, 2, 3, 4, 256] {
            let code = encode_deflated(&bytes[..end]);
            assert!(code.starts_with("1."), "{code}");
            assert_eq!(parse(&code), Ok(Code::Deflated(bytes[..end].to_vec())));
        }
    }

    #[test]
    fn is_url_safe() {
        let code = encode("\u{ff}\u{fe}??>>~~");
        assert!(
            code.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{code}"
        );
    }

    #[test]
    fn codes_of_the_first_format_never_look_like_the_prefix() {
        // Scenario JSON as the app writes it, pretty, with leading space, and not an object at all.
        for text in [
            "{\"steps\": []}",
            "{\n  \"steps\": []\n}",
            " {}",
            "\t{}",
            "[]",
            "1.5",
        ] {
            let code = encode(text);
            assert!(!code.contains('.'), "{code}");
            assert_eq!(json_of(&code).as_deref(), Ok(text));
        }
        assert!(encode("{\"steps\": []}").starts_with("ey"));
    }

    #[test]
    fn an_unknown_format_is_named() {
        let problem = parse("2.eJyrVg").unwrap_err();
        assert!(problem.contains("format 2"), "{problem}");
        assert!(problem.contains("newer version"), "{problem}");
        // A dot elsewhere is a character no code has.
        assert!(parse("ey.J").unwrap_err().contains("\".\""));
    }

    #[test]
    fn tampered_codes_say_what_is_wrong() {
        assert!(parse("ab$d").unwrap_err().contains("\"$\""));
        assert!(parse("1.ab$d").unwrap_err().contains("\"$\""));
        assert!(parse("abcde").unwrap_err().contains("cut short"));
        assert!(parse("1.abcde").unwrap_err().contains("cut short"));
        assert!(parse("__8").unwrap_err().contains("damaged"));
    }

    #[test]
    fn the_unpacked_size_cap_is_named_with_its_number() {
        assert_eq!(MAX_UNPACKED_BYTES, 4 << 20);
        assert!(too_big_unpacked().contains("at most 4 MiB"));
    }
}
