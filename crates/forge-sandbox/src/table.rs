//! Server-side printing: the `Table` kubectl asks for on `get`, with the columns a real
//! cluster shows for Deployments, Pods, ReplicaSets, Flux Kustomizations and Argo CD
//! Applications (NAME and AGE for the rest).

use crate::resources::ResourceType;
use crate::time::parse_rfc3339;
use serde_json::{Value, json};

/// Whether the client asked for a Table (kubectl get does; -o json/yaml does not).
pub fn wanted(accept: Option<&str>) -> bool {
    accept.is_some_and(|accept| {
        accept
            .split(',')
            .any(|t| t.contains("as=Table") && t.contains("g=meta.k8s.io"))
    })
}

/// `5s`, `12m`, `3h`, `2d`: how kubectl shows ages.
pub fn age(created: Option<&str>, now: i64) -> String {
    let Some(created) = created.and_then(parse_rfc3339) else {
        return "<unknown>".into();
    };
    let seconds = (now - created as i64).max(0);
    match seconds {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

fn column(name: &str) -> Value {
    json!({"name": name, "type": "string", "format": if name == "Name" { "name" } else { "" }, "description": name, "priority": 0})
}

fn condition<'a>(object: &'a Value, kind: &str) -> Option<&'a Value> {
    object
        .pointer("/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The cells after NAME for one object.
type Cells = fn(&Value) -> Vec<String>;

/// The columns and one row per object.
pub fn table(resource: &ResourceType, items: &[Value], revision: u64, now: i64) -> Value {
    let (columns, cells): (&[&str], Cells) = match resource.kind {
        "Deployment" => (&["Name", "Ready", "Up-to-date", "Available"], |o| {
            let status = &o["status"];
            let ready = status["readyReplicas"].as_i64().unwrap_or(0);
            let wanted = o
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            vec![
                format!("{ready}/{wanted}"),
                text(&status["updatedReplicas"]),
                text(&status["availableReplicas"]),
            ]
        }),
        "ReplicaSet" => (&["Name", "Desired", "Current", "Ready"], |o| {
            vec![
                text(&o["spec"]["replicas"]),
                text(&o["status"]["replicas"]),
                text(&o["status"]["readyReplicas"]),
            ]
        }),
        "Pod" => (&["Name", "Ready", "Status", "Restarts"], |o| {
            let containers = o
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let ready = containers.iter().filter(|c| c["ready"] == true).count();
            let waiting = containers
                .iter()
                .find_map(|c| c.pointer("/state/waiting/reason").and_then(Value::as_str));
            let phase = o
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("Pending");
            let restarts: i64 = containers
                .iter()
                .filter_map(|c| c["restartCount"].as_i64())
                .sum();
            vec![
                format!("{ready}/{}", containers.len().max(1)),
                waiting.unwrap_or(phase).to_string(),
                restarts.to_string(),
            ]
        }),
        "Kustomization" | "HelmRelease" | "GitRepository" => (&["Name", "Ready", "Status"], |o| {
            let ready = condition(o, "Ready");
            vec![
                ready
                    .map(|c| text(&c["status"]))
                    .unwrap_or_else(|| "Unknown".into()),
                ready.map(|c| text(&c["message"])).unwrap_or_default(),
            ]
        }),
        "Application" => (&["Name", "Sync Status", "Health Status"], |o| {
            vec![
                text(&o["status"]["sync"]["status"]),
                text(&o["status"]["health"]["status"]),
            ]
        }),
        _ => (&["Name"], |_| Vec::new()),
    };
    let mut definitions: Vec<Value> = columns.iter().map(|c| column(c)).collect();
    definitions.push(column("Age"));
    let rows: Vec<Value> = items
        .iter()
        .map(|object| {
            let metadata = &object["metadata"];
            let mut row = vec![text(&metadata["name"])];
            row.extend(cells(object));
            row.push(age(metadata["creationTimestamp"].as_str(), now));
            json!({
                "cells": row,
                "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata},
            })
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": revision.to_string()},
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        let now = parse_rfc3339("2026-11-24T10:00:00Z").unwrap() as i64;
        assert_eq!(age(Some("2026-11-24T09:59:30Z"), now), "30s");
        assert_eq!(age(Some("2026-11-24T09:30:00Z"), now), "30m");
        assert_eq!(age(Some("2026-11-24T05:00:00Z"), now), "5h");
        assert_eq!(age(Some("2026-11-20T10:00:00Z"), now), "4d");
        assert_eq!(age(None, now), "<unknown>");
    }
}
