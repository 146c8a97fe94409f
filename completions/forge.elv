
use builtin;
use str;

set edit:completion:arg-completer[forge] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'forge'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'forge'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand demo 'Run the whole flow on a built-in sample app and a local sandbox cluster'
            cand init 'Write a forge.yaml for this project'
            cand config 'Check or print forge.yaml'
            cand bundle 'Build, inspect, sign and verify bundles'
            cand bootstrap 'Print the Flux or Argo CD objects that make the cluster apply each environment'
            cand render 'Write an environment''s rendered overlay into a directory'
            cand diff 'Show what `forge deploy` would change in the env repo'
            cand deploy 'Commit an environment''s release to the env repo, wait until it is applied and healthy'
            cand promote 'Ship what one environment runs to the next, once its gates hold'
            cand rollback 'Return an environment to an earlier release, with a new commit'
            cand wait 'Wait until the commit that last changed an environment is applied and healthy'
            cand canary 'Look at, resume, abort or promote a canary or blue-green release in progress'
            cand status 'Show each environment: version in git, what is applied, health, drift, blocking gates'
            cand history 'List the deploys of an environment, from the env repo''s commit trailers'
            cand events 'Show the recent Kubernetes events of an environment''s workloads'
            cand logs 'Print the pod logs of an environment''s workloads'
            cand freeze 'Refuse deploys and promotions into an environment (rollbacks still go), with a reason'
            cand unfreeze 'Lift an environment''s freeze'
            cand keygen 'Create a signing key pair (cosign-compatible)'
            cand sandbox 'Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;demo'= {
            cand --engine 'GitOps engine the sandbox plays'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --keep 'Keep the workspace and print how to look around in it'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;init'= {
            cand --app 'Application name (lowercase letters, digits, ''-'') [default: the directory''s name]'
            cand --source 'What the app''s manifests are'
            cand --path 'Directory of the kustomize base or Helm chart, relative to forge.yaml'
            cand --env-repo 'URL of the environment git repo that Flux or Argo CD watches'
            cand --envs 'Environments in promotion order, comma-separated [default: dev,staging,prod]'
            cand --engine 'GitOps engine that applies the env repo'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --force 'Overwrite an existing file'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;config'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand validate 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)'
            cand show 'Print the resolved config: defaults filled in, per-env engine and repo path'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;config;validate'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;config;show'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;config;help'= {
            cand validate 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)'
            cand show 'Print the resolved config: defaults filled in, per-env engine and repo path'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;config;help;validate'= {
        }
        &'forge;config;help;show'= {
        }
        &'forge;config;help;help'= {
        }
        &'forge;bundle'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand build 'Pack the app''s source into a deterministic <app>-<version>.forge.tar.zst'
            cand inspect 'Show a bundle''s manifest (after checking every entry)'
            cand verify 'Check a bundle''s digests and, given a key, its signature (exit 0, 2 or 6)'
            cand sign 'Sign a bundle with a key, writing BUNDLE.sigstore.json'
            cand list 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;bundle;build'= {
            cand --version 'Release version [default: `git describe` of the source]'
            cand --out 'Directory to write the bundle into'
            cand --image 'Override or add an image reference (repeatable)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;bundle;inspect'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;bundle;verify'= {
            cand --key 'Public key (PEM) the bundle must be signed with [default: signing.publicKey from forge.yaml]'
            cand --signature 'Sigstore bundle holding the signature [default: BUNDLE.sigstore.json]'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;bundle;sign'= {
            cand --key 'Encrypted private key (from `forge keygen` or `cosign generate-key-pair`)'
            cand --out 'Where to write the signature [default: BUNDLE.sigstore.json]'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;bundle;list'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;bundle;help'= {
            cand build 'Pack the app''s source into a deterministic <app>-<version>.forge.tar.zst'
            cand inspect 'Show a bundle''s manifest (after checking every entry)'
            cand verify 'Check a bundle''s digests and, given a key, its signature (exit 0, 2 or 6)'
            cand sign 'Sign a bundle with a key, writing BUNDLE.sigstore.json'
            cand list 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;bundle;help;build'= {
        }
        &'forge;bundle;help;inspect'= {
        }
        &'forge;bundle;help;verify'= {
        }
        &'forge;bundle;help;sign'= {
        }
        &'forge;bundle;help;list'= {
        }
        &'forge;bundle;help;help'= {
        }
        &'forge;bootstrap'= {
            cand --out 'Write `<app>.yaml` into this directory, or print the objects with `-`, instead of committing them to the env repo'
            cand --cluster 'The cluster whose root sync applies them: they are committed under `clusters/<CLUSTER>/<app>/`, as `flux bootstrap --path clusters/<CLUSTER>` lays out'
            cand --source-url 'The URL the cluster fetches the env repo from [default: envRepo.url without credentials]'
            cand --secret-ref 'Secret in flux.namespace with the GitRepository''s credentials (Flux)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;render'= {
            cand --bundle 'Bundle to use [default: build one from the configured source]'
            cand --version 'Version to build when no --bundle is given [default: `git describe` of the source]'
            cand --image 'Override an image reference for the build (repeatable)'
            cand --out 'Directory to write into; must be empty or new [default: a new temp dir, printed]'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --all 'Render every environment, each into DIR/<env>/ (for CI: one bundle, one process)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;diff'= {
            cand --bundle 'Bundle to use [default: build one from the configured source]'
            cand --version 'Version to build when no --bundle is given [default: `git describe` of the source]'
            cand --image 'Override an image reference for the build (repeatable)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --rendered 'Also diff the fully rendered manifests (needs kubectl on PATH)'
            cand --exit-code 'Exit 7 when the env would change (0 when not), as `git diff --exit-code` does'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;deploy'= {
            cand --bundle 'Bundle to use [default: build one from the configured source]'
            cand --version 'Version to build when no --bundle is given [default: `git describe` of the source]'
            cand --image 'Override an image reference for the build (repeatable)'
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --no-wait 'Stop once the commit is pushed'
            cand --force 'Replace what someone else deployed to this env while forge was working'
            cand --create-branch 'Create the env repo''s branch if it does not exist yet'
            cand --allow-downgrade 'Deploy a version older than the one the env runs (else exit 2: going back is `forge rollback`''s)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;promote'= {
            cand --bundle 'The release''s bundle, when it is not kept in forge''s cache (its digest must match)'
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --no-wait 'Stop once the commit is pushed'
            cand --force 'Replace what someone else deployed to TO while forge was working'
            cand --from-anywhere 'Take the release from FROM even when it is not upstream of TO along `promoteFrom`'
            cand --allow-downgrade 'Ship FROM''s release even when TO runs a newer version (else exit 2: going back is `forge rollback`''s)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;rollback'= {
            cand --to 'Version to return to [default: the release before the current one]'
            cand --bundle 'The release''s bundle, when it is not kept in forge''s cache (re-verified before use)'
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --no-wait 'Stop once the commit is pushed'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;wait'= {
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;canary'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand status 'Where the canary in ENV stands (step, weight, versions)'
            cand resume 'Go on with an interrupted canary from the step it is at'
            cand abort 'Return ENV to the stable version alone'
            cand promote 'Skip the remaining steps: make the canary''s version the only one now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;canary;status'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;canary;resume'= {
            cand --bundle 'The canary''s bundle, when it is not kept in forge''s cache'
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --no-wait 'Stop once the commit is pushed'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;canary;abort'= {
            cand --bundle 'The canary''s bundle, when it is not kept in forge''s cache'
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --no-wait 'Stop once the commit is pushed'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;canary;promote'= {
            cand --bundle 'The canary''s bundle, when it is not kept in forge''s cache'
            cand --timeout 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m'
            cand --context 'kubeconfig context to watch (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --no-wait 'Stop once the commit is pushed'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;canary;help'= {
            cand status 'Where the canary in ENV stands (step, weight, versions)'
            cand resume 'Go on with an interrupted canary from the step it is at'
            cand abort 'Return ENV to the stable version alone'
            cand promote 'Skip the remaining steps: make the canary''s version the only one now'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;canary;help;status'= {
        }
        &'forge;canary;help;resume'= {
        }
        &'forge;canary;help;abort'= {
        }
        &'forge;canary;help;promote'= {
        }
        &'forge;canary;help;help'= {
        }
        &'forge;status'= {
            cand --context 'kubeconfig context for every env (default: each env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --check 'Exit 3 when an env is not healthy at the version git holds'
            cand -w 'Keep looking until interrupted: on a terminal the table is redrawn in place; otherwise a new one (or JSON document) is printed each time something changed'
            cand --watch 'Keep looking until interrupted: on a terminal the table is redrawn in place; otherwise a new one (or JSON document) is printed each time something changed'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;history'= {
            cand --limit 'Show at most this many entries'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;events'= {
            cand --since 'Only events seen within this long (e.g. 90s, 10m, 1h)'
            cand --context 'kubeconfig context to read (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;logs'= {
            cand --since 'Only lines printed within this long (e.g. 90s, 10m, 1h)'
            cand --tail 'Only the last N lines of each container'
            cand --context 'kubeconfig context to read (default: the env''s `context`, else the current one)'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;freeze'= {
            cand --reason 'Why (one line): shown to whoever tries to deploy'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;unfreeze'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;keygen'= {
            cand --out 'Path prefix: writes PREFIX.key (encrypted) and PREFIX.pub'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --force 'Replace existing key files'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;sandbox'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
            cand up 'Serve the sandbox''s Kubernetes API on loopback and write DIR/kubeconfig'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;sandbox;up'= {
            cand --dir 'Directory for kubeconfig, sandbox.json, sandbox.log and (with --tls) ca.crt'
            cand --port 'Port on 127.0.0.1 (0: any free port)'
            cand --env-repo 'Env repo to follow as Flux would [default: envRepo.url of forge.yaml, when there is one]'
            cand --engine 'GitOps engine for every app/env [default: per env from forge.yaml, else flux]'
            cand --interval 'How often the env repo is fetched'
            cand --bad-image 'Images matching this pattern (`*` wildcard) crash-loop (repeatable)'
            cand --unpullable-image 'Images matching this pattern cannot be pulled: ImagePullBackOff (repeatable)'
            cand --error-rate 'Pods running a matching image fail this share of requests (repeatable), e.g. ''*:1.1.0=0.2'''
            cand --api-error-rate 'Share of API requests answered 500'
            cand --api-throttle-rate 'Share of API requests answered 429 with Retry-After'
            cand --reconcile-delay 'Report a new revision as in progress this long before applying it'
            cand --drop-watches-after 'Cut every watch after this long'
            cand --progress-deadline 'How long a rollout may stall before ProgressDeadlineExceeded'
            cand --pod-grace-period 'How long a scaled-down pod stays Terminating (a kubelet''s grace period)'
            cand --controller-lag 'How long the deployment controller takes to notice a changed Deployment'
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand --tls 'Serve HTTPS with a CA generated for this run (DIR/ca.crt); the API then wants the kubeconfig''s bearer token'
            cand --no-bootstrap 'Create no Kustomization or Application per app/env directory (a cluster nobody bootstrapped): only those created with kubectl are reconciled'
            cand --keep 'Leave DIR (kubeconfig, log, state) behind on exit [default: removed when this run made it, else its files are]'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;sandbox;help'= {
            cand up 'Serve the sandbox''s Kubernetes API on loopback and write DIR/kubeconfig'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;sandbox;help;up'= {
        }
        &'forge;sandbox;help;help'= {
        }
        &'forge;completions'= {
            cand -C 'Path to forge.yaml'
            cand --config 'Path to forge.yaml'
            cand -o 'Format of stdout; wide is text with more columns (forge status)'
            cand --output 'Format of stdout; wide is text with more columns (forge status)'
            cand --color 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)'
            cand -q 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand --quiet 'Print no progress or status lines (errors and warnings still go to stderr)'
            cand -v 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand --verbose 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
            cand -y 'Never prompt: accept defaults and confirm protected actions'
            cand --yes 'Never prompt: accept defaults and confirm protected actions'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'forge;help'= {
            cand demo 'Run the whole flow on a built-in sample app and a local sandbox cluster'
            cand init 'Write a forge.yaml for this project'
            cand config 'Check or print forge.yaml'
            cand bundle 'Build, inspect, sign and verify bundles'
            cand bootstrap 'Print the Flux or Argo CD objects that make the cluster apply each environment'
            cand render 'Write an environment''s rendered overlay into a directory'
            cand diff 'Show what `forge deploy` would change in the env repo'
            cand deploy 'Commit an environment''s release to the env repo, wait until it is applied and healthy'
            cand promote 'Ship what one environment runs to the next, once its gates hold'
            cand rollback 'Return an environment to an earlier release, with a new commit'
            cand wait 'Wait until the commit that last changed an environment is applied and healthy'
            cand canary 'Look at, resume, abort or promote a canary or blue-green release in progress'
            cand status 'Show each environment: version in git, what is applied, health, drift, blocking gates'
            cand history 'List the deploys of an environment, from the env repo''s commit trailers'
            cand events 'Show the recent Kubernetes events of an environment''s workloads'
            cand logs 'Print the pod logs of an environment''s workloads'
            cand freeze 'Refuse deploys and promotions into an environment (rollbacks still go), with a reason'
            cand unfreeze 'Lift an environment''s freeze'
            cand keygen 'Create a signing key pair (cosign-compatible)'
            cand sandbox 'Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'forge;help;demo'= {
        }
        &'forge;help;init'= {
        }
        &'forge;help;config'= {
            cand validate 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)'
            cand show 'Print the resolved config: defaults filled in, per-env engine and repo path'
        }
        &'forge;help;config;validate'= {
        }
        &'forge;help;config;show'= {
        }
        &'forge;help;bundle'= {
            cand build 'Pack the app''s source into a deterministic <app>-<version>.forge.tar.zst'
            cand inspect 'Show a bundle''s manifest (after checking every entry)'
            cand verify 'Check a bundle''s digests and, given a key, its signature (exit 0, 2 or 6)'
            cand sign 'Sign a bundle with a key, writing BUNDLE.sigstore.json'
            cand list 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it'
        }
        &'forge;help;bundle;build'= {
        }
        &'forge;help;bundle;inspect'= {
        }
        &'forge;help;bundle;verify'= {
        }
        &'forge;help;bundle;sign'= {
        }
        &'forge;help;bundle;list'= {
        }
        &'forge;help;bootstrap'= {
        }
        &'forge;help;render'= {
        }
        &'forge;help;diff'= {
        }
        &'forge;help;deploy'= {
        }
        &'forge;help;promote'= {
        }
        &'forge;help;rollback'= {
        }
        &'forge;help;wait'= {
        }
        &'forge;help;canary'= {
            cand status 'Where the canary in ENV stands (step, weight, versions)'
            cand resume 'Go on with an interrupted canary from the step it is at'
            cand abort 'Return ENV to the stable version alone'
            cand promote 'Skip the remaining steps: make the canary''s version the only one now'
        }
        &'forge;help;canary;status'= {
        }
        &'forge;help;canary;resume'= {
        }
        &'forge;help;canary;abort'= {
        }
        &'forge;help;canary;promote'= {
        }
        &'forge;help;status'= {
        }
        &'forge;help;history'= {
        }
        &'forge;help;events'= {
        }
        &'forge;help;logs'= {
        }
        &'forge;help;freeze'= {
        }
        &'forge;help;unfreeze'= {
        }
        &'forge;help;keygen'= {
        }
        &'forge;help;sandbox'= {
            cand up 'Serve the sandbox''s Kubernetes API on loopback and write DIR/kubeconfig'
        }
        &'forge;help;sandbox;up'= {
        }
        &'forge;help;completions'= {
        }
        &'forge;help;help'= {
        }
    ]
    $completions[$command]
}
