//! The pure helpers forge and its sandbox both use, in a leaf crate so that neither has to
//! depend on the other for them: image references split as kustomize and charts want them,
//! RFC 3339 time, percent-decoding, and JSON encoding of types that cannot fail to encode. It
//! depends on nothing of ours.

pub mod image;
pub mod json;
pub mod time;

/// The transports any git forge or its sandbox starts may use (`GIT_ALLOW_PROTOCOL`): none
/// that runs a command (`ext::`) or reads a file descriptor (`fd::`), whatever a URL, a
/// submodule or a redirect asks for.
pub const GIT_ALLOWED_PROTOCOLS: &str = "file:git:http:https:ssh";

/// `%XX` escapes decoded; malformed escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
