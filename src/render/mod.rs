//! Templates: one minijinja environment for everything forge writes from a template.
//! Undefined variables are errors, and nothing is HTML-escaped (the output is YAML).

use minijinja::{Environment, UndefinedBehavior};

/// Templates shipped inside the binary, by name.
const EMBEDDED: &[(&str, &str)] = &[(
    "forge.yaml.j2",
    include_str!("../../templates/forge.yaml.j2"),
)];

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

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    for (name, source) in EMBEDDED {
        env.add_template(name, source)
            .expect("embedded templates parse");
    }
    env
}

/// Renders an embedded template with `context`.
pub fn render(name: &str, context: impl serde::Serialize) -> Result<String, TemplateError> {
    let env = environment();
    let template = env.get_template(name)?;
    Ok(template.render(minijinja::value::Serde(context))?)
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
}
