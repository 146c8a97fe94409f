//! What parses but cannot work: names, promotion order, strategies, and the files forge.yaml
//! points at.

use super::{Analysis, Config, Environment, IntOrPercent, Loaded, Problem};
use crate::model::image::ImageRef;
use crate::model::names::{invisible, is_dns_label, path_problem};
use crate::model::{SourceKind, StrategyKind};
use serde_saphyr::Spanned;

/// Semantic checks plus the filesystem facts the config relies on (source dir, key file).
pub(super) fn problems(loaded: &Loaded) -> Vec<Problem> {
    let mut problems = validate(&loaded.config);
    let source = &loaded.config.source;
    let markers = source.kind.marker_files();
    let dir = loaded.source_dir();
    if !dir.is_dir() {
        problems.push(
            at(
                &source.path,
                format!("source.path '{}' is not a directory", source.path.value),
            )
            .hint("paths in forge.yaml are relative to the directory it is in".into()),
        );
    } else if !markers.iter().any(|marker| dir.join(marker).is_file()) {
        problems.push(at(
            &source.path,
            format!("source.path '{}' has no {}", source.path.value, markers[0]),
        ));
    }
    if let Some(key) = &loaded.config.signing.public_key
        && !loaded.dir.join(&key.value).is_file()
    {
        problems.push(
            at(
                key,
                format!("signing.publicKey '{}' does not exist", key.value),
            )
            .hint("create a key pair with `forge keygen --out NAME`".into()),
        );
    }
    problems
}

impl Problem {
    fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }
}

fn at<T>(spanned: &Spanned<T>, message: String) -> Problem {
    Problem {
        line: spanned.referenced.line(),
        column: spanned.referenced.column(),
        message,
        hint: None,
    }
}

impl IntOrPercent {
    fn valid(&self) -> bool {
        match self {
            IntOrPercent::Count(_) => true,
            IntOrPercent::Percent(text) => text
                .strip_suffix('%')
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n <= 100),
        }
    }
}

/// Everything that parses but cannot work, in file order.
pub fn validate(config: &Config) -> Vec<Problem> {
    let mut problems = Vec::new();
    let label_hint = || "use lowercase letters, digits and '-', at most 63 characters".to_string();
    if !is_dns_label(&config.app.value) {
        problems.push(
            at(
                &config.app,
                format!("app name '{}' is not a valid name", config.app.value),
            )
            .hint(label_hint()),
        );
    }
    for (name, reference) in &config.images {
        if let Err(err) = ImageRef::parse(name, &reference.value) {
            problems.push(at(reference, err.to_string()));
        }
    }
    let repo = &config.env_repo;
    if let Err(message) = check_repo_url(&repo.url.value) {
        problems.push(at(&repo.url, message).hint(
            "use https://, ssh://, user@host:path, git:// or file:// (http:// works, in the clear)"
                .into(),
        ));
    }
    if let Err(message) = check_branch(&repo.branch.value) {
        problems.push(at(
            &repo.branch,
            format!("envRepo.branch '{}' {message}", repo.branch.value),
        ));
    }
    if let Err(message) = check_path_template(&repo.path.value) {
        problems.push(at(&repo.path, message));
    }
    if config.environments.is_empty() {
        problems.push(Problem {
            line: 1,
            column: 1,
            message: "no environments defined".into(),
            hint: Some("add at least one entry under `environments:`".into()),
        });
    }
    let mut earlier: Vec<&str> = Vec::new();
    for env in &config.environments {
        let name = &env.value.name;
        if !is_dns_label(&name.value) {
            problems.push(
                at(
                    name,
                    format!("environment name '{}' is not a valid name", name.value),
                )
                .hint(label_hint()),
            );
        }
        // The path each env's files go to, once templated.
        if check_path_template(&repo.path.value).is_ok()
            && let Some(problem) = path_problem(&config.env_path(&name.value))
        {
            problems.push(at(
                &repo.path,
                format!(
                    "envRepo.path for environment '{}' ('{}') {problem}",
                    name.value,
                    config.env_path(&name.value)
                ),
            ));
        }
        if let Some(namespace) = &env.value.namespace
            && !is_dns_label(namespace)
        {
            problems.push(
                at(
                    env,
                    format!(
                        "environment '{}': namespace '{namespace}' is not a valid name",
                        name.value
                    ),
                )
                .hint(label_hint()),
            );
        }
        if earlier.contains(&name.value.as_str()) {
            problems.push(at(
                name,
                format!("environment '{}' is defined twice", name.value),
            ));
        }
        if let Some(from) = &env.value.promote_from {
            if from.value == name.value {
                problems.push(at(
                    from,
                    format!("environment '{}' cannot promote from itself", name.value),
                ));
            } else if !earlier.contains(&from.value.as_str()) {
                let defined_later = config
                    .environments
                    .iter()
                    .any(|e| e.value.name.value == from.value);
                let message = if defined_later {
                    format!(
                        "environment '{}': promoteFrom '{}' must be listed before it",
                        name.value, from.value
                    )
                } else {
                    format!(
                        "environment '{}': promoteFrom names unknown environment '{}'",
                        name.value, from.value
                    )
                };
                problems.push(
                    at(from, message).hint("environments are listed in promotion order".into()),
                );
            }
        }
        if env.value.policy.require_signature && config.signing.public_key.is_none() {
            problems.push(at(
                env,
                format!(
                    "environment '{}' requires signatures but signing.publicKey is not set",
                    name.value
                ),
            ));
        }
        check_strategy(&env.value, &mut problems);
        if config.source.kind == SourceKind::Helm
            && matches!(
                env.value.strategy.kind,
                StrategyKind::Canary | StrategyKind::BlueGreen
            )
        {
            problems.push(
                at(
                    env,
                    format!(
                        "environment '{}': canary and blue-green releases need a kustomize source (a Helm release cannot run a second copy of itself under other names)",
                        name.value
                    ),
                )
                .hint("use strategy type rolling or recreate for a Helm source".into()),
            );
        }
        earlier.push(&name.value);
    }
    problems
}

/// The git transports forge lets a config name: none that runs a command (`ext::`) or reads
/// a file descriptor (`fd::`), which a hostile forge.yaml could use.
fn check_repo_url(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("envRepo.url is empty".into());
    }
    if url.starts_with('-') {
        return Err(format!("envRepo.url '{url}' starts with '-'"));
    }
    if let Some(c) = invisible(url).or_else(|| url.chars().find(|c| c.is_control())) {
        return Err(format!(
            "envRepo.url has the invisible or control character U+{:04X}",
            u32::from(c)
        ));
    }
    let scheme = match url.split_once("://") {
        Some((scheme, _)) => scheme.to_ascii_lowercase(),
        None if url.contains("::") => {
            let transport = url.split("::").next().unwrap_or_default();
            return Err(format!(
                "envRepo.url uses git's '{transport}::' transport, which forge does not allow"
            ));
        }
        // An absolute local path, or scp-like `user@host:path`.
        None if url.starts_with('/') || url.contains(':') => return Ok(()),
        None => {
            return Err(format!(
                "envRepo.url '{url}' is not a URL or an absolute path"
            ));
        }
    };
    match scheme.as_str() {
        "https" | "http" | "ssh" | "git" | "file" => Ok(()),
        other => Err(format!(
            "envRepo.url uses the '{other}' transport, which forge does not allow"
        )),
    }
}

/// Git's rules for a branch name (`git check-ref-format --branch`).
fn check_branch(branch: &str) -> Result<(), &'static str> {
    let refused = [
        (branch.is_empty(), "is empty"),
        (branch.starts_with('-'), "starts with '-'"),
        (branch == "@", "is '@'"),
        (branch.contains(".."), "contains '..'"),
        (branch.contains("@{"), "contains '@{'"),
        (branch.contains("//"), "contains '//'"),
        (
            branch.starts_with('/') || branch.ends_with('/') || branch.ends_with('.'),
            "starts or ends with '/', or ends with '.'",
        ),
        (
            branch.chars().any(|c| {
                c.is_control() || matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\')
            }),
            "contains a space, a control character or one of ~ ^ : ? * [ \\",
        ),
        (
            branch
                .split('/')
                .any(|part| part.starts_with('.') || part.ends_with(".lock")),
            "has a part that starts with '.' or ends with '.lock'",
        ),
        (
            invisible(branch).is_some(),
            "contains an invisible character",
        ),
    ];
    match refused.into_iter().find(|(bad, _)| *bad) {
        Some((_, why)) => Err(why),
        None => Ok(()),
    }
}

fn check_path_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("envRepo.path '{template}' has an unclosed '{{'"));
        };
        let name = &rest[open + 1..open + close];
        if name != "app" && name != "env" {
            return Err(format!(
                "envRepo.path '{template}': unknown placeholder {{{name}}} (use {{app}} and {{env}})"
            ));
        }
        rest = &rest[open + close + 1..];
    }
    if !template.contains("{env}") {
        return Err(format!(
            "envRepo.path '{template}' must contain {{env}}, so that environments never share files"
        ));
    }
    if template.starts_with('/')
        || template
            .split('/')
            .any(|part| part == ".." || part.is_empty())
    {
        return Err(format!(
            "envRepo.path '{template}' must be a clean relative path"
        ));
    }
    Ok(())
}

fn check_strategy(env: &Environment, problems: &mut Vec<Problem>) {
    let strategy = &env.strategy;
    let name = &env.name.value;
    for bound in [&strategy.max_surge, &strategy.max_unavailable]
        .into_iter()
        .flatten()
    {
        if strategy.kind != StrategyKind::Rolling {
            problems.push(at(
                bound,
                format!("environment '{name}': maxSurge and maxUnavailable apply to strategy type rolling"),
            ));
        } else if !bound.value.valid() {
            problems.push(at(
                bound,
                format!(
                    "environment '{name}': a rolling bound is a count or a percentage like \"25%\""
                ),
            ));
        }
    }
    if strategy.kind != StrategyKind::Canary {
        if let Some(step) = strategy.steps.first() {
            problems.push(at(
                step,
                format!("environment '{name}': steps apply only to strategy type canary"),
            ));
        }
        if let (StrategyKind::BlueGreen, Some(analysis)) = (strategy.kind, &strategy.analysis) {
            check_analysis(name, analysis, problems);
        }
        return;
    }
    if let Some(analysis) = &strategy.analysis {
        check_analysis(name, analysis, problems);
    } else if let Some(step) = strategy.steps.iter().find(|s| s.value.analysis) {
        problems.push(at(
            step,
            format!(
                "environment '{name}': this step runs an analysis, but strategy.analysis is not set"
            ),
        ));
    }
    let Some(last) = strategy.steps.last() else {
        problems.push(at(
            &env.name,
            format!("environment '{name}': a canary strategy needs steps"),
        ));
        return;
    };
    let mut previous = 0;
    for step in &strategy.steps {
        if step.value.weight <= previous || step.value.weight > 100 {
            problems.push(at(
                step,
                format!("environment '{name}': canary weights must rise from 1 to 100"),
            ));
            return;
        }
        previous = step.value.weight;
    }
    if last.value.weight != 100 {
        problems.push(at(
            last,
            format!("environment '{name}': the last canary step must have weight 100"),
        ));
    }
}

fn check_analysis(name: &str, analysis: &Spanned<Analysis>, problems: &mut Vec<Problem>) {
    let checks = &analysis.value;
    let mut problem =
        |text: String| problems.push(at(analysis, format!("environment '{name}': {text}")));
    if checks.metrics.is_empty() && checks.http.is_empty() {
        problem("an analysis needs metrics or http checks".into());
    }
    if !checks.metrics.is_empty() && checks.prometheus.is_none() {
        problem("analysis metrics need analysis.prometheus (the Prometheus URL)".into());
    }
    if checks.count == 0 {
        problem("analysis.count must be at least 1".into());
    }
    for metric in &checks.metrics {
        if metric.min.is_none() && metric.max.is_none() {
            problem(format!("metric '{}' needs min, max or both", metric.name));
        }
    }
}
