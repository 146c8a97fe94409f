//! Rendering: one minijinja environment for everything forge writes from a template, and the
//! per-environment overlay built from a bundle. Undefined variables are errors, and nothing is
//! HTML-escaped (the output is YAML).

pub mod bootstrap;
pub mod canary;
pub mod overlay;
pub mod scaffold;

use minijinja::{Environment, UndefinedBehavior};
use std::path::PathBuf;

/// Templates shipped inside the binary, by name; a project overrides one by putting a file of
/// the same name in its templates directory.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "forge.yaml.j2",
        include_str!("../../templates/forge.yaml.j2"),
    ),
    (
        "kustomization.yaml.j2",
        include_str!("../../templates/kustomization.yaml.j2"),
    ),
    (
        "helmrelease.yaml.j2",
        include_str!("../../templates/helmrelease.yaml.j2"),
    ),
    (
        "helm-kustomization.yaml.j2",
        include_str!("../../templates/helm-kustomization.yaml.j2"),
    ),
    (
        "application.yaml.j2",
        include_str!("../../templates/application.yaml.j2"),
    ),
    (
        "bootstrap.yaml.j2",
        include_str!("../../templates/bootstrap.yaml.j2"),
    ),
];

// Here rather than in config, so that config (below render) does not import it.
impl crate::config::Loaded {
    /// The templates: embedded ones, overridden by files in the configured (or default
    /// `templates/`) directory next to forge.yaml.
    pub fn templates(&self) -> Templates {
        let dir = self
            .dir
            .join(self.config.templates.as_deref().unwrap_or("templates"));
        Templates {
            override_dir: dir.is_dir().then_some(dir),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("template {name}: {detail}")]
pub struct TemplateError {
    pub name: String,
    pub detail: String,
}

impl From<minijinja::Error> for TemplateError {
    fn from(err: minijinja::Error) -> Self {
        let name = err.name().unwrap_or("?").to_string();
        let line = err
            .line()
            .map(|l| format!("line {l}: "))
            .unwrap_or_default();
        let detail = format!("{line}{}", err.detail().unwrap_or(&err.kind().to_string()));
        TemplateError { name, detail }
    }
}

impl crate::error::Diagnose for TemplateError {
    fn exit_code(&self) -> crate::error::ExitCode {
        crate::error::ExitCode::Usage
    }
}

/// Where templates come from: the embedded defaults, each overridable from a directory.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    pub override_dir: Option<PathBuf>,
}

impl Templates {
    pub fn environment(&self) -> Environment<'static> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        #[allow(clippy::expect_used)] // building fails only on conflicting custom delimiters
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .expect("default delimiters are valid"),
        );
        env.add_filter("toyaml", to_yaml);
        let overrides = self.override_dir.clone();
        env.set_loader(move |name| {
            if let Some(dir) = &overrides {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read {}: {e}", path.display()),
                        )
                    });
                }
            }
            Ok(EMBEDDED
                .iter()
                .find(|(embedded, _)| *embedded == name)
                .map(|(_, source)| source.to_string()))
        });
        env
    }

    /// Renders template `name` with `context`.
    pub fn render(
        &self,
        name: &str,
        context: impl serde::Serialize,
    ) -> Result<String, TemplateError> {
        let env = self.environment();
        let template = env.get_template(name)?;
        Ok(template.render(minijinja::value::Serde(context))?)
    }
}

/// `{{ value | toyaml(4) }}`: a nested YAML block, each line indented by `indent`, starting
/// with a newline; empty maps and lists stay inline (` {}`, ` []`) so `key:{{ … }}` reads well.
fn to_yaml(value: minijinja::Value, indent: usize) -> Result<String, minijinja::Error> {
    let json: serde_json::Value = serde_json::to_value(&value).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    let empty = match &json {
        serde_json::Value::Object(map) => map.is_empty(),
        serde_json::Value::Array(items) => items.is_empty(),
        _ => false,
    };
    let text = serde_saphyr::to_string(&json).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    if empty || !(json.is_object() || json.is_array()) {
        return Ok(format!(" {}", text.trim_end()));
    }
    let pad = " ".repeat(indent);
    Ok(text.lines().map(|line| format!("\n{pad}{line}")).collect())
}

/// Renders an embedded template with `context`.
pub fn render(name: &str, context: impl serde::Serialize) -> Result<String, TemplateError> {
    Templates::default().render(name, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_variables_are_errors_that_name_the_template() {
        let err = render("forge.yaml.j2", minijinja::context! { app => "x" }).unwrap_err();
        assert_eq!(err.name, "forge.yaml.j2");
        assert!(err.detail.contains("undefined"), "{}", err.detail);
    }

    #[test]
    fn a_project_template_overrides_the_embedded_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("forge.yaml.j2"), "custom {{ app }}\n").unwrap();
        let templates = Templates {
            override_dir: Some(dir.path().to_path_buf()),
        };
        let text = templates
            .render("forge.yaml.j2", minijinja::context! { app => "x" })
            .unwrap();
        assert_eq!(text, "custom x\n");
    }
}
