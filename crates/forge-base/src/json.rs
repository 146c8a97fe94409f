//! JSON helpers whose failure cases cannot happen, said in one place instead of an `expect` at
//! every call: forge's own types serialize by construction (derived `Serialize`, string map
//! keys, no hand-written impl that can fail), and a value just made an object is one.
#![allow(clippy::expect_used)]

use serde::Serialize;
use serde_json::{Map, Value};

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

/// The value as an object's map, made an empty object first when it is not one (a patch or a
/// value path writing into whatever was there).
pub fn as_map(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    value.as_object_mut().expect("just made an object")
}
