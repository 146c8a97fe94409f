//! Arrows point down: reads the `crate::`, `super::` and `self::` paths of every file in src/
//! (and in each workspace crate's src/), builds the graph of its modules and fails on an
//! import cycle, on a file outside
//! src/commands (other than main.rs and cli.rs) importing `commands`, and on src/model
//! importing anything of ours.
//!
//! A node is a top-level file or directory of a src/; `commands/<x>` are nodes of their own,
//! because that directory holds peers rather than one layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Directories whose children are nodes of their own.
const SPLIT: &[&str] = &["commands"];

/// One import: which module it points at, and where it is written.
struct Edge {
    to: String,
    at: String,
}

#[test]
fn modules_import_each_other_one_way() {
    let crates = std::fs::read_dir(crate::repo().join("crates")).unwrap();
    let mut roots: Vec<PathBuf> = crates.map(|c| c.unwrap().path().join("src")).collect();
    roots.push(crate::repo().join("src"));
    let mut wrong = Vec::new();
    for root in roots {
        let graph = module_graph(&root);
        for component in cycles(&graph) {
            wrong.push(describe_cycle(&graph, &component));
        }
    }
    assert!(
        wrong.is_empty(),
        "import cycles (a lower module must not import a higher one):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_the_edge_imports_commands() {
    let graph = module_graph(&crate::repo().join("src"));
    let wrong: Vec<String> = graph
        .iter()
        .filter(|(from, _)| !is_command(from) && !["main", "cli"].contains(&from.as_str()))
        .flat_map(|(from, edges)| {
            edges
                .iter()
                .filter(|edge| is_command(&edge.to))
                .map(move |edge| format!("  {from} -> {} ({})", edge.to, edge.at))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "only src/commands, main.rs and cli.rs may import commands:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_model_is_a_leaf() {
    let graph = module_graph(&crate::repo().join("src"));
    let imports: Vec<String> = graph["model"]
        .iter()
        .map(|edge| format!("  model -> {} ({})", edge.to, edge.at))
        .collect();
    assert!(
        imports.is_empty(),
        "src/model is shared by every layer, so it imports nothing of ours:\n{}",
        imports.join("\n")
    );
}

#[test]
fn the_analysis_sees_imports_of_every_form() {
    let text = "use crate::{config::Loaded, commands::{self, deploy::run}};\n\
                use super::steps::x;\n\
                fn f() { commands::render::run(); }\n\
                mod tests {\n    use super::*;\n    use crate::render::overlay::{\n        a,\n    };\n}\n";
    let paths: Vec<Vec<String>> = imports(text, &["commands".into(), "canary".into()])
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let expected: Vec<Vec<&str>> = vec![
        vec!["config", "Loaded"],
        vec!["commands"],
        vec!["commands", "deploy", "run"],
        vec!["commands", "steps", "x"],
        vec!["commands", "render", "run"],
        vec!["commands", "canary"],
        vec!["render", "overlay", "a"],
    ];
    assert_eq!(paths, expected);
}

fn is_command(node: &str) -> bool {
    node == "commands" || node.starts_with("commands/")
}

/// Node → the imports written in its files (self-imports left out).
fn module_graph(src: &Path) -> BTreeMap<String, Vec<Edge>> {
    let mut graph: BTreeMap<String, Vec<Edge>> = BTreeMap::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let module = module_path(rel);
        let from = if module.is_empty() {
            rel.with_extension("").display().to_string() // "lib" or "main"
        } else {
            node(src, &module).expect("a file's own module exists")
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let edges = graph.entry(from.clone()).or_default();
        for (path, line) in imports(&text, &module) {
            if let Some(to) = node(src, &path).filter(|to| *to != from) {
                let file = file.strip_prefix(crate::repo()).unwrap_or(&file);
                let at = format!("{}:{line}", file.display());
                edges.push(Edge { to, at });
            }
        }
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// `bundle/read.rs` → [bundle, read]; `bundle/mod.rs` → [bundle]; `lib.rs`, `main.rs` → [].
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The node a module path (from the crate root) lands in, or None for an item of the root.
fn node(src: &Path, path: &[String]) -> Option<String> {
    let exists = |rel: &str| src.join(format!("{rel}.rs")).is_file() || src.join(rel).is_dir();
    let first = path.first()?;
    if !exists(first) {
        return None;
    }
    match path.get(1) {
        Some(second) if SPLIT.contains(&first.as_str()) && exists(&format!("{first}/{second}")) => {
            Some(format!("{first}/{second}"))
        }
        _ => Some(first.clone()),
    }
}

/// Every path a file names through `crate::`, `super::` or `self::` (and `forge::` in main.rs),
/// or through a name a `use` of ours brought in (`use crate::commands;` then
/// `commands::deploy::…`), resolved to a path from the crate root, with its line number.
/// `module` is the file's own module path; `super` inside an inline `mod x { … }` counts that
/// module too.
fn imports(text: &str, module: &[String]) -> Vec<(Vec<String>, usize)> {
    let mut found = Vec::new();
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Inline modules open at `mod x {` and close at the `}` with the same indent (rustfmt).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed == "}" && inline.last().is_some_and(|(at, _)| *at == indent) {
            inline.pop();
            continue;
        }
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(_, name)| name.clone()))
            .collect();
        if let Some(name) = inline_module(trimmed) {
            inline.push((indent, name));
            continue;
        }
        // A `use` tree may span lines: join them up to its `;`.
        let mut statement = line.to_string();
        let is_use = ["use ", "pub use ", "pub(crate) use "]
            .iter()
            .any(|start| trimmed.starts_with(start));
        if is_use {
            while !statement.contains(';') {
                let Some((_, next)) = lines.next() else { break };
                statement.push_str(next);
            }
        }
        for (start, root) in path_starts(&statement, &here, &aliases) {
            let mut paths = Vec::new();
            parse_tree(statement.as_bytes(), &mut start.clone(), root, &mut paths);
            for path in paths {
                if is_use && let Some(name) = path.last() {
                    aliases.insert(name.clone(), path.clone());
                }
                found.push((path, index + 1));
            }
        }
    }
    found
}

/// `mod tests {` or `pub mod x {` → the module's name.
fn inline_module(trimmed: &str) -> Option<String> {
    let rest = trimmed.strip_prefix("pub ").unwrap_or(trimmed);
    let name = rest.strip_prefix("mod ")?.strip_suffix(" {")?;
    Some(name.to_string())
}

/// Where each path of ours starts in `text` (not in the middle of a longer path): the offset
/// just after its root, and the module that root names from the crate root.
fn path_starts(
    text: &str,
    here: &[String],
    aliases: &BTreeMap<String, Vec<String>>,
) -> Vec<(usize, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let begins_a_path = i == 0 || {
            let before = bytes[i - 1];
            !(before.is_ascii_alphanumeric() || before == b'_' || before == b':')
        };
        let root = begins_a_path
            .then(|| root_at(&bytes[i..], here, aliases))
            .flatten();
        match root {
            Some((len, module)) => {
                starts.push((i + len, module));
                i += len;
            }
            None => i += 1,
        }
    }
    starts
}

/// The root a path starts with (`crate::`, `forge::`, `self::`, a run of `super::`, or a name
/// brought in by a `use`): its length and the module it names.
fn root_at(
    rest: &[u8],
    here: &[String],
    aliases: &BTreeMap<String, Vec<String>>,
) -> Option<(usize, Vec<String>)> {
    for absolute in ["crate::", "forge::"] {
        if rest.starts_with(absolute.as_bytes()) {
            return Some((absolute.len(), Vec::new()));
        }
    }
    if rest.starts_with(b"self::") {
        return Some(("self::".len(), here.to_vec()));
    }
    if rest.starts_with(b"super::") {
        let mut module = here.to_vec();
        let mut len = 0;
        while rest[len..].starts_with(b"super::") {
            len += "super::".len();
            module.pop()?;
        }
        return Some((len, module));
    }
    aliases.iter().find_map(|(name, path)| {
        let root = format!("{name}::");
        rest.starts_with(root.as_bytes())
            .then(|| (root.len(), path.clone()))
    })
}

/// Reads a path or use tree (`a::b`, `a::{b, c::{d, self}}`, `a::*`) at `cursor` and pushes
/// each full path it names.
fn parse_tree(s: &[u8], cursor: &mut usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        while s.get(*cursor).is_some_and(u8::is_ascii_whitespace) {
            *cursor += 1;
        }
        if s.get(*cursor) == Some(&b'{') {
            *cursor += 1;
            loop {
                while s
                    .get(*cursor)
                    .is_some_and(|b| b.is_ascii_whitespace() || *b == b',')
                {
                    *cursor += 1;
                }
                match s.get(*cursor) {
                    Some(b'}') | None => {
                        *cursor += 1;
                        return;
                    }
                    _ => parse_tree(s, cursor, prefix.clone(), out),
                }
            }
        }
        let start = *cursor;
        while s
            .get(*cursor)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            *cursor += 1;
        }
        let ident = std::str::from_utf8(&s[start..*cursor]).unwrap();
        if ident.is_empty() || ident == "self" {
            if *cursor == start {
                // `*`, `<` or the like ends the path: step over it so the caller moves on.
                *cursor += 1;
            }
            out.push(prefix);
            return;
        }
        prefix.push(ident.to_string());
        if s[*cursor..].starts_with(b"::") {
            *cursor += 2;
        } else {
            out.push(prefix);
            return;
        }
    }
}

/// The strongly connected components with more than one node.
fn cycles(graph: &BTreeMap<String, Vec<Edge>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(node) = todo.pop() {
            for edge in graph.get(&node).into_iter().flatten() {
                if seen.insert(edge.to.clone()) {
                    todo.push(edge.to.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|node| (node, reach(node))).collect();
    let mut components: Vec<BTreeSet<String>> = Vec::new();
    for (node, reaches) in &reachable {
        let component: BTreeSet<String> = reaches
            .iter()
            .filter(|other| {
                reachable
                    .get(other)
                    .is_some_and(|back| back.contains(*node))
            })
            .cloned()
            .collect();
        if component.len() > 1 && !components.contains(&component) {
            components.push(component);
        }
    }
    components
}

fn describe_cycle(graph: &BTreeMap<String, Vec<Edge>>, component: &BTreeSet<String>) -> String {
    let mut text = format!(
        "cycle between {}:",
        component.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    for from in component {
        for edge in &graph[from] {
            if component.contains(&edge.to) {
                text.push_str(&format!("\n  {from} -> {} ({})", edge.to, edge.at));
            }
        }
    }
    text
}
