//! Just enough OpenAPI v3 for `kubectl apply` to validate without `--validate=false`: kubectl
//! asks the `/openapi/v3` index for the group-version document, and when the PATCH operation
//! of the kind takes the `fieldValidation` query parameter, it leaves validation to the server
//! instead of validating against full schemas. The sandbox accepts any fields, so the
//! documents carry paths and permissive (`x-kubernetes-preserve-unknown-fields`) schemas only.

use crate::resources::{RESOURCES, ResourceType};
use serde_json::{Map, Value, json};
use sha2::Digest;

/// `api/v1` or `apis/<group>/<version>`, as the index names group versions.
fn group_version_path(resource: &ResourceType) -> String {
    if resource.group.is_empty() {
        format!("api/{}", resource.version)
    } else {
        format!("apis/{}/{}", resource.group, resource.version)
    }
}

/// The document for one group version (`api/v1`, `apis/apps/v1`), None when none is served.
pub fn document(group_version: &str) -> Option<Value> {
    let served: Vec<&ResourceType> = RESOURCES
        .iter()
        .filter(|r| group_version_path(r) == group_version)
        .collect();
    if served.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for resource in served {
        let gvk =
            json!({"group": resource.group, "version": resource.version, "kind": resource.kind});
        let schema_name = format!(
            "forge.sandbox.{}.{}.{}",
            if resource.group.is_empty() {
                "core"
            } else {
                resource.group
            },
            resource.version,
            resource.kind
        );
        schemas.insert(
            schema_name.clone(),
            json!({
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": true,
            }),
        );
        // The PATCH body lists no strategic-merge-patch type, so client-side apply computes
        // its patches from kubectl's compiled-in types (as with no OpenAPI at all).
        let body = json!({"$ref": format!("#/components/schemas/{schema_name}")});
        let operation = |action: &str| {
            json!({
                "operationId": format!("{action}{}", resource.kind),
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
                "parameters": [
                    {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                    {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
                ],
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": body}}}},
            })
        };
        let prefix = format!("/{}", group_version_path(resource));
        let collection = if resource.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", resource.plural)
        } else {
            format!("{prefix}/{}", resource.plural)
        };
        paths.insert(
            format!("{collection}/{{name}}"),
            json!({"get": operation("get"), "put": operation("put"), "patch": operation("patch"), "delete": operation("delete")}),
        );
        paths.insert(
            collection,
            json!({"get": operation("list"), "post": operation("post")}),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "forge sandbox", "version": "v1.33.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

/// The `/openapi/v3` index: each group version with a content hash, which kubectl uses to
/// cache documents.
pub fn index() -> Value {
    let mut paths = Map::new();
    for resource in RESOURCES {
        let group_version = group_version_path(resource);
        if paths.contains_key(&group_version) {
            continue;
        }
        let Some(document) = document(&group_version) else {
            continue;
        };
        let hash = hex::encode_upper(sha2::Sha512::digest(document.to_string().as_bytes()));
        paths.insert(
            group_version.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{group_version}?hash={hash}")}),
        );
    }
    json!({"paths": paths})
}
