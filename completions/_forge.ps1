
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'forge' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'forge'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'forge' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole flow on a built-in sample app and a local sandbox cluster')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a forge.yaml for this project')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check or print forge.yaml')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Build, inspect, sign and verify bundles')
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Print the Flux or Argo CD objects that make the cluster apply each environment')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Write an environment''s rendered overlay into a directory')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `forge deploy` would change in the env repo')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Commit an environment''s release to the env repo, wait until it is applied and healthy')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Ship what one environment runs to the next, once its gates hold')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Return an environment to an earlier release, with a new commit')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until the commit that last changed an environment is applied and healthy')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Look at, resume, abort or promote a canary or blue-green release in progress')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each environment: version in git, what is applied, health, drift, blocking gates')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the deploys of an environment, from the env repo''s commit trailers')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Show the recent Kubernetes events of an environment''s workloads')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the pod logs of an environment''s workloads')
            [CompletionResult]::new('freeze', 'freeze', [CompletionResultType]::ParameterValue, 'Refuse deploys and promotions into an environment (rollbacks still go), with a reason')
            [CompletionResult]::new('unfreeze', 'unfreeze', [CompletionResultType]::ParameterValue, 'Lift an environment''s freeze')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a signing key pair (cosign-compatible)')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;demo' {
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'GitOps engine the sandbox plays')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep the workspace and print how to look around in it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;init' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Application name (lowercase letters, digits, ''-'') [default: the directory''s name]')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'What the app''s manifests are')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Directory of the kustomize base or Helm chart, relative to forge.yaml')
            [CompletionResult]::new('--env-repo', '--env-repo', [CompletionResultType]::ParameterName, 'URL of the environment git repo that Flux or Argo CD watches')
            [CompletionResult]::new('--envs', '--envs', [CompletionResultType]::ParameterName, 'Environments in promotion order, comma-separated [default: dev,staging,prod]')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'GitOps engine that applies the env repo')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;config' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved config: defaults filled in, per-env engine and repo path')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;config;validate' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;config;show' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;config;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved config: defaults filled in, per-env engine and repo path')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;config;help;validate' {
            break
        }
        'forge;config;help;show' {
            break
        }
        'forge;config;help;help' {
            break
        }
        'forge;bundle' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Pack the app''s source into a deterministic <app>-<version>.forge.tar.zst')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a bundle''s manifest (after checking every entry)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a bundle''s digests and, given a key, its signature (exit 0, 2 or 6)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a bundle with a key, writing BUNDLE.sigstore.json')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;bundle;build' {
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Release version [default: `git describe` of the source]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write the bundle into')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Override or add an image reference (repeatable)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;bundle;inspect' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;bundle;verify' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Public key (PEM) the bundle must be signed with [default: signing.publicKey from forge.yaml]')
            [CompletionResult]::new('--signature', '--signature', [CompletionResultType]::ParameterName, 'Sigstore bundle holding the signature [default: BUNDLE.sigstore.json]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;bundle;sign' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Encrypted private key (from `forge keygen` or `cosign generate-key-pair`)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the signature [default: BUNDLE.sigstore.json]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;bundle;list' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;bundle;help' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Pack the app''s source into a deterministic <app>-<version>.forge.tar.zst')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a bundle''s manifest (after checking every entry)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a bundle''s digests and, given a key, its signature (exit 0, 2 or 6)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a bundle with a key, writing BUNDLE.sigstore.json')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;bundle;help;build' {
            break
        }
        'forge;bundle;help;inspect' {
            break
        }
        'forge;bundle;help;verify' {
            break
        }
        'forge;bundle;help;sign' {
            break
        }
        'forge;bundle;help;list' {
            break
        }
        'forge;bundle;help;help' {
            break
        }
        'forge;bootstrap' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Write `<app>.yaml` into this directory, or print the objects with `-`, instead of committing them to the env repo')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster whose root sync applies them: they are committed under `clusters/<CLUSTER>/<app>/`, as `flux bootstrap --path clusters/<CLUSTER>` lays out')
            [CompletionResult]::new('--source-url', '--source-url', [CompletionResultType]::ParameterName, 'The URL the cluster fetches the env repo from [default: envRepo.url without credentials]')
            [CompletionResult]::new('--secret-ref', '--secret-ref', [CompletionResultType]::ParameterName, 'Secret in flux.namespace with the GitRepository''s credentials (Flux)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;render' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'Bundle to use [default: build one from the configured source]')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version to build when no --bundle is given [default: `git describe` of the source]')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Override an image reference for the build (repeatable)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory to write into; must be empty or new [default: a new temp dir, printed]')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Render every environment, each into DIR/<env>/ (for CI: one bundle, one process)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;diff' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'Bundle to use [default: build one from the configured source]')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version to build when no --bundle is given [default: `git describe` of the source]')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Override an image reference for the build (repeatable)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--rendered', '--rendered', [CompletionResultType]::ParameterName, 'Also diff the fully rendered manifests (needs kubectl on PATH)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 7 when the env would change (0 when not), as `git diff --exit-code` does')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;deploy' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'Bundle to use [default: build one from the configured source]')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Version to build when no --bundle is given [default: `git describe` of the source]')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Override an image reference for the build (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Stop once the commit is pushed')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace what someone else deployed to this env while forge was working')
            [CompletionResult]::new('--create-branch', '--create-branch', [CompletionResultType]::ParameterName, 'Create the env repo''s branch if it does not exist yet')
            [CompletionResult]::new('--allow-downgrade', '--allow-downgrade', [CompletionResultType]::ParameterName, 'Deploy a version older than the one the env runs (else exit 2: going back is `forge rollback`''s)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;promote' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The release''s bundle, when it is not kept in forge''s cache (its digest must match)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Stop once the commit is pushed')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace what someone else deployed to TO while forge was working')
            [CompletionResult]::new('--from-anywhere', '--from-anywhere', [CompletionResultType]::ParameterName, 'Take the release from FROM even when it is not upstream of TO along `promoteFrom`')
            [CompletionResult]::new('--allow-downgrade', '--allow-downgrade', [CompletionResultType]::ParameterName, 'Ship FROM''s release even when TO runs a newer version (else exit 2: going back is `forge rollback`''s)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Version to return to [default: the release before the current one]')
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The release''s bundle, when it is not kept in forge''s cache (re-verified before use)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Stop once the commit is pushed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;wait' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;canary' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the canary in ENV stands (step, weight, versions)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Go on with an interrupted canary from the step it is at')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Return ENV to the stable version alone')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Skip the remaining steps: make the canary''s version the only one now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;canary;status' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;canary;resume' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The canary''s bundle, when it is not kept in forge''s cache')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Stop once the commit is pushed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;canary;abort' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The canary''s bundle, when it is not kept in forge''s cache')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Stop once the commit is pushed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;canary;promote' {
            [CompletionResult]::new('--bundle', '--bundle', [CompletionResultType]::ParameterName, 'The canary''s bundle, when it is not kept in forge''s cache')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for the rollout (e.g. 90s, 5m); default: the env''s `timeout`, else 5m')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to watch (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Stop once the commit is pushed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;canary;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the canary in ENV stands (step, weight, versions)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Go on with an interrupted canary from the step it is at')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Return ENV to the stable version alone')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Skip the remaining steps: make the canary''s version the only one now')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;canary;help;status' {
            break
        }
        'forge;canary;help;resume' {
            break
        }
        'forge;canary;help;abort' {
            break
        }
        'forge;canary;help;promote' {
            break
        }
        'forge;canary;help;help' {
            break
        }
        'forge;status' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context for every env (default: each env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Exit 3 when an env is not healthy at the version git holds')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep looking until interrupted: on a terminal the table is redrawn in place; otherwise a new one (or JSON document) is printed each time something changed')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep looking until interrupted: on a terminal the table is redrawn in place; otherwise a new one (or JSON document) is printed each time something changed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;history' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many entries')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;events' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events seen within this long (e.g. 90s, 10m, 1h)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to read (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines printed within this long (e.g. 90s, 10m, 1h)')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines of each container')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubeconfig context to read (default: the env''s `context`, else the current one)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;freeze' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (one line): shown to whoever tries to deploy')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;unfreeze' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;keygen' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Path prefix: writes PREFIX.key (encrypted) and PREFIX.pub')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing key files')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;sandbox' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Serve the sandbox''s Kubernetes API on loopback and write DIR/kubeconfig')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;sandbox;up' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory for kubeconfig, sandbox.json, sandbox.log and (with --tls) ca.crt')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1 (0: any free port)')
            [CompletionResult]::new('--env-repo', '--env-repo', [CompletionResultType]::ParameterName, 'Env repo to follow as Flux would [default: envRepo.url of forge.yaml, when there is one]')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'GitOps engine for every app/env [default: per env from forge.yaml, else flux]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often the env repo is fetched')
            [CompletionResult]::new('--bad-image', '--bad-image', [CompletionResultType]::ParameterName, 'Images matching this pattern (`*` wildcard) crash-loop (repeatable)')
            [CompletionResult]::new('--unpullable-image', '--unpullable-image', [CompletionResultType]::ParameterName, 'Images matching this pattern cannot be pulled: ImagePullBackOff (repeatable)')
            [CompletionResult]::new('--error-rate', '--error-rate', [CompletionResultType]::ParameterName, 'Pods running a matching image fail this share of requests (repeatable), e.g. ''*:1.1.0=0.2''')
            [CompletionResult]::new('--api-error-rate', '--api-error-rate', [CompletionResultType]::ParameterName, 'Share of API requests answered 500')
            [CompletionResult]::new('--api-throttle-rate', '--api-throttle-rate', [CompletionResultType]::ParameterName, 'Share of API requests answered 429 with Retry-After')
            [CompletionResult]::new('--reconcile-delay', '--reconcile-delay', [CompletionResultType]::ParameterName, 'Report a new revision as in progress this long before applying it')
            [CompletionResult]::new('--drop-watches-after', '--drop-watches-after', [CompletionResultType]::ParameterName, 'Cut every watch after this long')
            [CompletionResult]::new('--progress-deadline', '--progress-deadline', [CompletionResultType]::ParameterName, 'How long a rollout may stall before ProgressDeadlineExceeded')
            [CompletionResult]::new('--pod-grace-period', '--pod-grace-period', [CompletionResultType]::ParameterName, 'How long a scaled-down pod stays Terminating (a kubelet''s grace period)')
            [CompletionResult]::new('--controller-lag', '--controller-lag', [CompletionResultType]::ParameterName, 'How long the deployment controller takes to notice a changed Deployment')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve HTTPS with a CA generated for this run (DIR/ca.crt); the API then wants the kubeconfig''s bearer token')
            [CompletionResult]::new('--no-bootstrap', '--no-bootstrap', [CompletionResultType]::ParameterName, 'Create no Kustomization or Application per app/env directory (a cluster nobody bootstrapped): only those created with kubectl are reconciled')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Leave DIR (kubeconfig, log, state) behind on exit [default: removed when this run made it, else its files are]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;sandbox;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Serve the sandbox''s Kubernetes API on loopback and write DIR/kubeconfig')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;sandbox;help;up' {
            break
        }
        'forge;sandbox;help;help' {
            break
        }
        'forge;completions' {
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Path to forge.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Format of stdout; wide is text with more columns (forge status)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress or status lines (errors and warnings still go to stderr)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt: accept defaults and confirm protected actions')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'forge;help' {
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole flow on a built-in sample app and a local sandbox cluster')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a forge.yaml for this project')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Check or print forge.yaml')
            [CompletionResult]::new('bundle', 'bundle', [CompletionResultType]::ParameterValue, 'Build, inspect, sign and verify bundles')
            [CompletionResult]::new('bootstrap', 'bootstrap', [CompletionResultType]::ParameterValue, 'Print the Flux or Argo CD objects that make the cluster apply each environment')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Write an environment''s rendered overlay into a directory')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show what `forge deploy` would change in the env repo')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Commit an environment''s release to the env repo, wait until it is applied and healthy')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Ship what one environment runs to the next, once its gates hold')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Return an environment to an earlier release, with a new commit')
            [CompletionResult]::new('wait', 'wait', [CompletionResultType]::ParameterValue, 'Wait until the commit that last changed an environment is applied and healthy')
            [CompletionResult]::new('canary', 'canary', [CompletionResultType]::ParameterValue, 'Look at, resume, abort or promote a canary or blue-green release in progress')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each environment: version in git, what is applied, health, drift, blocking gates')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List the deploys of an environment, from the env repo''s commit trailers')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Show the recent Kubernetes events of an environment''s workloads')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the pod logs of an environment''s workloads')
            [CompletionResult]::new('freeze', 'freeze', [CompletionResultType]::ParameterValue, 'Refuse deploys and promotions into an environment (rollbacks still go), with a reason')
            [CompletionResult]::new('unfreeze', 'unfreeze', [CompletionResultType]::ParameterValue, 'Lift an environment''s freeze')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Create a signing key pair (cosign-compatible)')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'forge;help;demo' {
            break
        }
        'forge;help;init' {
            break
        }
        'forge;help;config' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved config: defaults filled in, per-env engine and repo path')
            break
        }
        'forge;help;config;validate' {
            break
        }
        'forge;help;config;show' {
            break
        }
        'forge;help;bundle' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Pack the app''s source into a deterministic <app>-<version>.forge.tar.zst')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a bundle''s manifest (after checking every entry)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a bundle''s digests and, given a key, its signature (exit 0, 2 or 6)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a bundle with a key, writing BUNDLE.sigstore.json')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it')
            break
        }
        'forge;help;bundle;build' {
            break
        }
        'forge;help;bundle;inspect' {
            break
        }
        'forge;help;bundle;verify' {
            break
        }
        'forge;help;bundle;sign' {
            break
        }
        'forge;help;bundle;list' {
            break
        }
        'forge;help;bootstrap' {
            break
        }
        'forge;help;render' {
            break
        }
        'forge;help;diff' {
            break
        }
        'forge;help;deploy' {
            break
        }
        'forge;help;promote' {
            break
        }
        'forge;help;rollback' {
            break
        }
        'forge;help;wait' {
            break
        }
        'forge;help;canary' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the canary in ENV stands (step, weight, versions)')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Go on with an interrupted canary from the step it is at')
            [CompletionResult]::new('abort', 'abort', [CompletionResultType]::ParameterValue, 'Return ENV to the stable version alone')
            [CompletionResult]::new('promote', 'promote', [CompletionResultType]::ParameterValue, 'Skip the remaining steps: make the canary''s version the only one now')
            break
        }
        'forge;help;canary;status' {
            break
        }
        'forge;help;canary;resume' {
            break
        }
        'forge;help;canary;abort' {
            break
        }
        'forge;help;canary;promote' {
            break
        }
        'forge;help;status' {
            break
        }
        'forge;help;history' {
            break
        }
        'forge;help;events' {
            break
        }
        'forge;help;logs' {
            break
        }
        'forge;help;freeze' {
            break
        }
        'forge;help;unfreeze' {
            break
        }
        'forge;help;keygen' {
            break
        }
        'forge;help;sandbox' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Serve the sandbox''s Kubernetes API on loopback and write DIR/kubeconfig')
            break
        }
        'forge;help;sandbox;up' {
            break
        }
        'forge;help;completions' {
            break
        }
        'forge;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
