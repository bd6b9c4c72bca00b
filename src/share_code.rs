//! Sandbox runs in the address bar: the scenario (its set-up and every step taken, forks included) as
//! URL-safe base64 of its JSON, so any moment of a run can be linked. A tampered code fails with a reason.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode(text: &str) -> String {
    let bytes = text.as_bytes();
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

pub fn decode(code: &str) -> Result<String, String> {
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
    String::from_utf8(bytes).map_err(|_| "the link's run code is damaged".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_text() {
        for text in ["", "a", "ab", "abc", "abcd", "{\"title\": \"ünïcode ✓\"}"] {
            assert_eq!(decode(&encode(text)).as_deref(), Ok(text));
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
    fn tampered_codes_say_what_is_wrong() {
        assert!(decode("ab$d").unwrap_err().contains("\"$\""));
        assert!(decode("abcde").unwrap_err().contains("cut short"));
        assert!(decode("__8").unwrap_err().contains("damaged"));
    }
}
