//! JSON of forge's own types. They serialize by construction (derived `Serialize`, string map
//! keys, no hand-written impl that can fail), so encoding them cannot fail: this module is the
//! one place that says so, instead of an `expect` at every call.
#![allow(clippy::expect_used)]

use serde::Serialize;
use serde_json::Value;

const INFALLIBLE: &str = "forge's own types serialize to JSON";

pub fn to_vec(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect(INFALLIBLE)
}

pub fn to_vec_pretty(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect(INFALLIBLE)
}

pub fn to_string(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect(INFALLIBLE)
}

pub fn to_string_pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect(INFALLIBLE)
}

pub fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect(INFALLIBLE)
}
