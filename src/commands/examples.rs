//! The examples at the end of each command's `--help`: two or three invocations a newcomer can
//! copy. A test parses every one of them against the command tree, so they stay valid.

/// Examples by command path (`deploy`, `bundle build`), one invocation a line.
pub const EXAMPLES: &[(&str, &[&str])] = &[
    ("demo", &["forge demo", "forge demo --engine argocd --keep"]),
    (
        "init",
        &[
            "forge init",
            "forge init --yes --app hello --env-repo https://git.example.com/platform/envs.git",
            "forge init --yes --app shop --source helm --engine argocd --env-repo git@example.com:envs.git",
        ],
    ),
    (
        "config validate",
        &[
            "forge config validate",
            "forge config validate --output json",
        ],
    ),
    (
        "config show",
        &[
            "forge config show",
            "forge -C apps/shop/forge.yaml config show --output json",
        ],
    ),
    (
        "bundle build",
        &[
            "forge bundle build --version 1.4.2",
            "forge bundle build --version 1.5.0 --image web=ghcr.io/acme/web:1.5.0 --out dist",
        ],
    ),
    (
        "bundle inspect",
        &[
            "forge bundle inspect dist/hello-1.4.2.forge.tar.zst",
            "forge bundle inspect dist/hello-1.4.2.forge.tar.zst --output json",
        ],
    ),
    (
        "bundle verify",
        &[
            "forge bundle verify dist/hello-1.4.2.forge.tar.zst",
            "forge bundle verify dist/hello-1.4.2.forge.tar.zst --key release.pub",
        ],
    ),
    (
        "bundle sign",
        &[
            "forge bundle sign dist/hello-1.4.2.forge.tar.zst --key release.key",
            "FORGE_KEY_PASSWORD=… forge bundle sign dist/hello-1.4.2.forge.tar.zst --key ci.key",
        ],
    ),
    (
        "bootstrap",
        &[
            "forge bootstrap",
            "forge bootstrap dev --out - | kubectl apply -f -",
            "forge bootstrap --cluster eu-1 --source-url ssh://git@git.internal/platform/envs.git",
        ],
    ),
    (
        "render",
        &[
            "forge render dev --version 1.4.2",
            "forge render prod --bundle dist/hello-1.4.2.forge.tar.zst --out /tmp/prod",
        ],
    ),
    (
        "diff",
        &[
            "forge diff staging --version 1.5.0",
            "forge diff prod --bundle dist/hello-1.4.2.forge.tar.zst --rendered",
            "forge diff dev --version 1.5.0 --exit-code",
        ],
    ),
    (
        "deploy",
        &[
            "forge deploy dev --version 1.4.2",
            "forge deploy prod --bundle dist/hello-1.4.2.forge.tar.zst --yes --timeout 10m",
            "forge deploy dev --version 1.5.0 --no-wait --output json",
        ],
    ),
    (
        "promote",
        &[
            "forge promote staging",
            "forge promote staging prod --yes",
            "forge promote prod dev --from-anywhere --allow-downgrade",
        ],
    ),
    (
        "rollback",
        &["forge rollback dev", "forge rollback prod --to 1.4.2 --yes"],
    ),
    (
        "wait",
        &[
            "forge wait dev",
            "forge wait prod --timeout 15m --output json",
        ],
    ),
    (
        "canary status",
        &[
            "forge canary status prod",
            "forge canary status prod --output json",
        ],
    ),
    (
        "canary resume",
        &[
            "forge canary resume prod",
            "forge canary resume prod --no-wait",
        ],
    ),
    (
        "canary abort",
        &["forge canary abort prod --yes", "forge canary abort dev"],
    ),
    (
        "canary promote",
        &[
            "forge canary promote prod --yes",
            "forge canary promote dev",
        ],
    ),
    (
        "status",
        &[
            "forge status -o wide",
            "forge status prod --check",
            "forge status dev staging --watch",
        ],
    ),
    (
        "events",
        &[
            "forge events dev",
            "forge events prod --since 10m",
            "forge events staging --output json",
        ],
    ),
    (
        "logs",
        &[
            "forge logs dev",
            "forge logs prod --since 5m --tail 100",
            "forge logs staging --output json",
        ],
    ),
    (
        "freeze",
        &[
            "forge freeze prod --reason \"incident 42: payments down\"",
            "forge freeze staging --reason \"load test until 14:00\" --output json",
        ],
    ),
    (
        "unfreeze",
        &["forge unfreeze prod", "forge unfreeze prod --output json"],
    ),
    (
        "bundle list",
        &["forge bundle list", "forge bundle list --output json"],
    ),
    (
        "history",
        &["forge history dev", "forge history prod --limit 5 -o yaml"],
    ),
    (
        "keygen",
        &[
            "forge keygen --out release",
            "FORGE_KEY_PASSWORD=… forge keygen --out ci/release",
        ],
    ),
    (
        "sandbox up",
        &[
            "forge sandbox up --env-repo file:///tmp/envs.git",
            "forge sandbox up --dir .sandbox --engine argocd --tls",
        ],
    ),
    (
        "completions",
        &[
            "forge completions bash > ~/.local/share/bash-completion/completions/forge",
            "forge completions zsh > \"${fpath[1]}/_forge\"",
        ],
    ),
];

/// `tree` with each command's examples at the end of its help.
pub fn add_to(tree: clap::Command) -> clap::Command {
    EXAMPLES.iter().fold(tree, |tree, (path, examples)| {
        let text = examples
            .iter()
            .fold(String::from("Examples:"), |text, example| {
                format!("{text}\n  {example}")
            });
        with_subcommand(tree, &path.split(' ').collect::<Vec<_>>(), text)
    })
}

fn with_subcommand(tree: clap::Command, path: &[&str], text: String) -> clap::Command {
    match path {
        [] => tree.after_help(text),
        [first, rest @ ..] => {
            tree.mut_subcommand(*first, |command| with_subcommand(command, rest, text))
        }
    }
}
