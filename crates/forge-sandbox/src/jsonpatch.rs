//! JSON patch (RFC 6902, `application/json-patch+json`) with JSON pointers (RFC 6901). Errors
//! are what kube-apiserver answers: 400 when the patch cannot be read, 422 when it cannot be
//! applied (a failed `test` included).

use crate::store::ApiError;
use serde_json::{Map, Value};

/// Applies the operations in `patch` to a copy of `document`.
pub fn apply(document: &Value, patch: &[u8]) -> Result<Value, ApiError> {
    let operations: Vec<Value> = serde_json::from_slice(patch)
        .map_err(|e| bad_request(format!("invalid JSON patch: {e}")))?;
    let mut document = document.clone();
    for operation in &operations {
        let field = |name: &str| -> Result<&str, ApiError> {
            operation.get(name).and_then(Value::as_str).ok_or_else(|| {
                bad_request(format!(
                    "JSON patch operation lacks \"{name}\": {operation}"
                ))
            })
        };
        let value = || -> Result<Value, ApiError> {
            operation.get("value").cloned().ok_or_else(|| {
                bad_request(format!("JSON patch operation lacks \"value\": {operation}"))
            })
        };
        let op = field("op")?;
        let path = field("path")?;
        let result = match op {
            "add" => add(&mut document, path, value()?),
            "remove" => remove(&mut document, path).map(drop),
            "replace" => {
                let replacement = value()?;
                remove(&mut document, path).and_then(|_| add(&mut document, path, replacement))
            }
            "move" => {
                let from = field("from")?;
                if path.starts_with(&format!("{from}/")) {
                    Err(format!("cannot move {from} into its own child {path}"))
                } else {
                    remove(&mut document, from).and_then(|moved| add(&mut document, path, moved))
                }
            }
            "copy" => {
                let from = field("from")?;
                get(&document, from)
                    .cloned()
                    .and_then(|copied| add(&mut document, path, copied))
            }
            "test" => {
                let expected = value()?;
                match get(&document, path) {
                    Ok(actual) if *actual == expected => Ok(()),
                    _ => Err(format!("testing value {path} failed: test failed")),
                }
            }
            other => {
                return Err(bad_request(format!(
                    "unknown JSON patch operation \"{other}\""
                )));
            }
        };
        result.map_err(|message| ApiError {
            code: 422,
            reason: "Invalid",
            message,
        })?;
    }
    Ok(document)
}

/// The merge patch that turns `old` into `new`, so a JSON patch can go through the same
/// store path (generation, status, resourceVersion checks) as every other patch.
pub fn merge_diff(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            let mut diff = Map::new();
            for (key, before) in old {
                match new.get(key) {
                    None => {
                        diff.insert(key.clone(), Value::Null);
                    }
                    Some(after) if after != before => {
                        diff.insert(key.clone(), merge_diff(before, after));
                    }
                    Some(_) => {}
                }
            }
            for (key, after) in new {
                if !old.contains_key(key) {
                    diff.insert(key.clone(), after.clone());
                }
            }
            Value::Object(diff)
        }
        _ => new.clone(),
    }
}

fn bad_request(message: String) -> ApiError {
    ApiError {
        code: 400,
        reason: "BadRequest",
        message,
    }
}

/// `/a~1b/0` → ["a/b", "0"]; "" is the whole document.
fn tokens(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(format!(
            "invalid JSON pointer \"{pointer}\": it must start with /"
        ));
    };
    // ~1 first: "~01" is the literal "~1", not "/".
    Ok(rest
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// An array index: digits, no leading zero (RFC 6901).
fn index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0')))
        .then(|| token.parse().ok())
        .flatten()
}

fn child<'a>(value: &'a Value, token: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(token),
        Value::Array(items) => index(token).and_then(|i| items.get(i)),
        _ => None,
    }
}

fn child_mut<'a>(value: &'a mut Value, token: &str) -> Option<&'a mut Value> {
    match value {
        Value::Object(map) => map.get_mut(token),
        Value::Array(items) => index(token).and_then(|i| items.get_mut(i)),
        _ => None,
    }
}

fn get<'a>(document: &'a Value, pointer: &str) -> Result<&'a Value, String> {
    let mut current = document;
    for token in tokens(pointer)? {
        current = child(current, &token).ok_or_else(|| missing(pointer))?;
    }
    Ok(current)
}

fn missing(pointer: &str) -> String {
    format!("the path {pointer} does not exist")
}

/// The container holding the pointer's last token, and that token.
fn parent<'a>(document: &'a mut Value, pointer: &str) -> Result<(&'a mut Value, String), String> {
    let mut tokens = tokens(pointer)?;
    let last = tokens
        .pop()
        .ok_or_else(|| format!("the path \"{pointer}\" names no member"))?;
    let mut current = document;
    for token in &tokens {
        current = child_mut(current, token).ok_or_else(|| missing(pointer))?;
    }
    Ok((current, last))
}

fn add(document: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    if pointer.is_empty() {
        *document = value;
        return Ok(());
    }
    let (container, last) = parent(document, pointer)?;
    match container {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let at = if last == "-" {
                items.len()
            } else {
                index(&last)
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| format!("array index {last} out of bounds at {pointer}"))?
            };
            items.insert(at, value);
            Ok(())
        }
        _ => Err(missing(pointer)),
    }
}

fn remove(document: &mut Value, pointer: &str) -> Result<Value, String> {
    if pointer.is_empty() {
        return Ok(std::mem::take(document));
    }
    let (container, last) = parent(document, pointer)?;
    match container {
        Value::Object(map) => map.remove(&last).ok_or_else(|| missing(pointer)),
        Value::Array(items) => index(&last)
            .filter(|i| *i < items.len())
            .map(|i| items.remove(i))
            .ok_or_else(|| missing(pointer)),
        _ => Err(missing(pointer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(document: Value, patch: Value) -> Result<Value, ApiError> {
        apply(&document, patch.to_string().as_bytes())
    }

    #[test]
    fn applies_each_operation_with_escaped_pointers() {
        let document =
            json!({"metadata": {"annotations": {"a/b": "1", "c~d": "2"}}, "list": [1, 2, 3]});
        let result = patched(
            document,
            json!([
                {"op": "test", "path": "/metadata/annotations/a~1b", "value": "1"},
                {"op": "replace", "path": "/metadata/annotations/c~0d", "value": "3"},
                {"op": "add", "path": "/list/-", "value": 4},
                {"op": "add", "path": "/list/0", "value": 0},
                {"op": "remove", "path": "/list/1"},
                {"op": "copy", "from": "/list", "path": "/copied"},
                {"op": "move", "from": "/metadata/annotations/a~1b", "path": "/moved"},
            ]),
        )
        .unwrap();
        assert_eq!(
            result,
            json!({"metadata": {"annotations": {"c~d": "3"}}, "list": [0, 2, 3, 4], "copied": [0, 2, 3, 4], "moved": "1"})
        );
    }

    #[test]
    fn failures_are_422_and_unreadable_patches_400() {
        let document = json!({"spec": {"replicas": 2}, "list": [1]});
        let code = |patch: Value| patched(document.clone(), patch).unwrap_err().code;
        assert_eq!(
            code(json!([{"op": "test", "path": "/spec/replicas", "value": 3}])),
            422
        );
        assert_eq!(
            code(json!([{"op": "remove", "path": "/spec/missing"}])),
            422
        );
        assert_eq!(
            code(json!([{"op": "replace", "path": "/nope/x", "value": 1}])),
            422
        );
        assert_eq!(
            code(json!([{"op": "add", "path": "/list/5", "value": 1}])),
            422
        );
        assert_eq!(
            code(json!([{"op": "add", "path": "/list/01", "value": 1}])),
            422
        );
        assert_eq!(
            code(json!([{"op": "move", "from": "/spec", "path": "/spec/x"}])),
            422
        );
        assert_eq!(code(json!([{"op": "frobnicate", "path": "/spec"}])), 400);
        assert_eq!(code(json!([{"op": "add", "path": "/spec/x"}])), 400);
        assert_eq!(code(json!({"op": "add"})), 400);
    }

    #[test]
    fn the_merge_diff_reproduces_the_new_document() {
        let old = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        let new = json!({"b": {"c": 2, "d": 4, "f": 5}, "e": [1, 2]});
        let diff = merge_diff(&old, &new);
        assert_eq!(diff, json!({"a": null, "b": {"d": 4, "f": 5}, "e": [1, 2]}));
    }
}
