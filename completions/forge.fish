# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_forge_global_optspecs
    string join \n C/config= o/output= q/quiet v/verbose color= y/yes h/help V/version
end

function __fish_forge_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_forge_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_forge_using_subcommand
    set -l cmd (__fish_forge_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c forge -n "__fish_forge_needs_command" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_needs_command" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_needs_command" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_needs_command" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_needs_command" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_needs_command" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_needs_command" -s V -l version -d 'Print version'
complete -c forge -n "__fish_forge_needs_command" -f -a "demo" -d 'Run the whole flow on a built-in sample app and a local sandbox cluster'
complete -c forge -n "__fish_forge_needs_command" -f -a "init" -d 'Write a forge.yaml for this project'
complete -c forge -n "__fish_forge_needs_command" -f -a "config" -d 'Check or print forge.yaml'
complete -c forge -n "__fish_forge_needs_command" -f -a "bundle" -d 'Build, inspect, sign and verify bundles'
complete -c forge -n "__fish_forge_needs_command" -f -a "bootstrap" -d 'Print the Flux or Argo CD objects that make the cluster apply each environment'
complete -c forge -n "__fish_forge_needs_command" -f -a "render" -d 'Write an environment\'s rendered overlay into a directory'
complete -c forge -n "__fish_forge_needs_command" -f -a "diff" -d 'Show what `forge deploy` would change in the env repo'
complete -c forge -n "__fish_forge_needs_command" -f -a "deploy" -d 'Commit an environment\'s release to the env repo, wait until it is applied and healthy'
complete -c forge -n "__fish_forge_needs_command" -f -a "promote" -d 'Ship what one environment runs to the next, once its gates hold'
complete -c forge -n "__fish_forge_needs_command" -f -a "rollback" -d 'Return an environment to an earlier release, with a new commit'
complete -c forge -n "__fish_forge_needs_command" -f -a "wait" -d 'Wait until the commit that last changed an environment is applied and healthy'
complete -c forge -n "__fish_forge_needs_command" -f -a "canary" -d 'Look at, resume, abort or promote a canary or blue-green release in progress'
complete -c forge -n "__fish_forge_needs_command" -f -a "status" -d 'Show each environment: version in git, what is applied, health, drift, blocking gates'
complete -c forge -n "__fish_forge_needs_command" -f -a "history" -d 'List the deploys of an environment, from the env repo\'s commit trailers'
complete -c forge -n "__fish_forge_needs_command" -f -a "events" -d 'Show the recent Kubernetes events of an environment\'s workloads'
complete -c forge -n "__fish_forge_needs_command" -f -a "logs" -d 'Print the pod logs of an environment\'s workloads'
complete -c forge -n "__fish_forge_needs_command" -f -a "freeze" -d 'Refuse deploys and promotions into an environment (rollbacks still go), with a reason'
complete -c forge -n "__fish_forge_needs_command" -f -a "unfreeze" -d 'Lift an environment\'s freeze'
complete -c forge -n "__fish_forge_needs_command" -f -a "keygen" -d 'Create a signing key pair (cosign-compatible)'
complete -c forge -n "__fish_forge_needs_command" -f -a "sandbox" -d 'Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge'
complete -c forge -n "__fish_forge_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c forge -n "__fish_forge_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand demo" -l engine -d 'GitOps engine the sandbox plays' -r -f -a "flux\t''
argocd\t''"
complete -c forge -n "__fish_forge_using_subcommand demo" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand demo" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand demo" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand demo" -l keep -d 'Keep the workspace and print how to look around in it'
complete -c forge -n "__fish_forge_using_subcommand demo" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand demo" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand demo" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand demo" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand init" -l app -d 'Application name (lowercase letters, digits, \'-\') [default: the directory\'s name]' -r
complete -c forge -n "__fish_forge_using_subcommand init" -l source -d 'What the app\'s manifests are' -r -f -a "kustomize\t''
helm\t''"
complete -c forge -n "__fish_forge_using_subcommand init" -l path -d 'Directory of the kustomize base or Helm chart, relative to forge.yaml' -r
complete -c forge -n "__fish_forge_using_subcommand init" -l env-repo -d 'URL of the environment git repo that Flux or Argo CD watches' -r
complete -c forge -n "__fish_forge_using_subcommand init" -l envs -d 'Environments in promotion order, comma-separated [default: dev,staging,prod]' -r
complete -c forge -n "__fish_forge_using_subcommand init" -l engine -d 'GitOps engine that applies the env repo' -r -f -a "flux\t''
argocd\t''"
complete -c forge -n "__fish_forge_using_subcommand init" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand init" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand init" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand init" -l force -d 'Overwrite an existing file'
complete -c forge -n "__fish_forge_using_subcommand init" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand init" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand init" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand init" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -f -a "validate" -d 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -f -a "show" -d 'Print the resolved config: defaults filled in, per-env engine and repo path'
complete -c forge -n "__fish_forge_using_subcommand config; and not __fish_seen_subcommand_from validate show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the resolved config: defaults filled in, per-env engine and repo path'
complete -c forge -n "__fish_forge_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -f -a "build" -d 'Pack the app\'s source into a deterministic <app>-<version>.forge.tar.zst'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -f -a "inspect" -d 'Show a bundle\'s manifest (after checking every entry)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -f -a "verify" -d 'Check a bundle\'s digests and, given a key, its signature (exit 0, 2 or 6)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -f -a "sign" -d 'Sign a bundle with a key, writing BUNDLE.sigstore.json'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -f -a "list" -d 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it'
complete -c forge -n "__fish_forge_using_subcommand bundle; and not __fish_seen_subcommand_from build inspect verify sign list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -l version -d 'Release version [default: `git describe` of the source]' -r
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -l out -d 'Directory to write the bundle into' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -l image -d 'Override or add an image reference (repeatable)' -r
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -l key -d 'Public key (PEM) the bundle must be signed with [default: signing.publicKey from forge.yaml]' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -l signature -d 'Sigstore bundle holding the signature [default: BUNDLE.sigstore.json]' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -l key -d 'Encrypted private key (from `forge keygen` or `cosign generate-key-pair`)' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -l out -d 'Where to write the signature [default: BUNDLE.sigstore.json]' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from sign" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from help" -f -a "build" -d 'Pack the app\'s source into a deterministic <app>-<version>.forge.tar.zst'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a bundle\'s manifest (after checking every entry)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a bundle\'s digests and, given a key, its signature (exit 0, 2 or 6)'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from help" -f -a "sign" -d 'Sign a bundle with a key, writing BUNDLE.sigstore.json'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it'
complete -c forge -n "__fish_forge_using_subcommand bundle; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -l out -d 'Write `<app>.yaml` into this directory, or print the objects with `-`, instead of committing them to the env repo' -r -F
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -l cluster -d 'The cluster whose root sync applies them: they are committed under `clusters/<CLUSTER>/<app>/`, as `flux bootstrap --path clusters/<CLUSTER>` lays out' -r
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -l source-url -d 'The URL the cluster fetches the env repo from [default: envRepo.url without credentials]' -r
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -l secret-ref -d 'Secret in flux.namespace with the GitRepository\'s credentials (Flux)' -r
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand bootstrap" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand render" -l bundle -d 'Bundle to use [default: build one from the configured source]' -r -F
complete -c forge -n "__fish_forge_using_subcommand render" -l version -d 'Version to build when no --bundle is given [default: `git describe` of the source]' -r
complete -c forge -n "__fish_forge_using_subcommand render" -l image -d 'Override an image reference for the build (repeatable)' -r
complete -c forge -n "__fish_forge_using_subcommand render" -l out -d 'Directory to write into; must be empty or new [default: a new temp dir, printed]' -r -F
complete -c forge -n "__fish_forge_using_subcommand render" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand render" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand render" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand render" -l all -d 'Render every environment, each into DIR/<env>/ (for CI: one bundle, one process)'
complete -c forge -n "__fish_forge_using_subcommand render" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand render" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand render" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand render" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand diff" -l bundle -d 'Bundle to use [default: build one from the configured source]' -r -F
complete -c forge -n "__fish_forge_using_subcommand diff" -l version -d 'Version to build when no --bundle is given [default: `git describe` of the source]' -r
complete -c forge -n "__fish_forge_using_subcommand diff" -l image -d 'Override an image reference for the build (repeatable)' -r
complete -c forge -n "__fish_forge_using_subcommand diff" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand diff" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand diff" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand diff" -l rendered -d 'Also diff the fully rendered manifests (needs kubectl on PATH)'
complete -c forge -n "__fish_forge_using_subcommand diff" -l exit-code -d 'Exit 7 when the env would change (0 when not), as `git diff --exit-code` does'
complete -c forge -n "__fish_forge_using_subcommand diff" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand diff" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand diff" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand diff" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand deploy" -l bundle -d 'Bundle to use [default: build one from the configured source]' -r -F
complete -c forge -n "__fish_forge_using_subcommand deploy" -l version -d 'Version to build when no --bundle is given [default: `git describe` of the source]' -r
complete -c forge -n "__fish_forge_using_subcommand deploy" -l image -d 'Override an image reference for the build (repeatable)' -r
complete -c forge -n "__fish_forge_using_subcommand deploy" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand deploy" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand deploy" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand deploy" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand deploy" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand deploy" -l no-wait -d 'Stop once the commit is pushed'
complete -c forge -n "__fish_forge_using_subcommand deploy" -l force -d 'Replace what someone else deployed to this env while forge was working'
complete -c forge -n "__fish_forge_using_subcommand deploy" -l create-branch -d 'Create the env repo\'s branch if it does not exist yet'
complete -c forge -n "__fish_forge_using_subcommand deploy" -l allow-downgrade -d 'Deploy a version older than the one the env runs (else exit 2: going back is `forge rollback`\'s)'
complete -c forge -n "__fish_forge_using_subcommand deploy" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand deploy" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand deploy" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand deploy" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand promote" -l bundle -d 'The release\'s bundle, when it is not kept in forge\'s cache (its digest must match)' -r -F
complete -c forge -n "__fish_forge_using_subcommand promote" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand promote" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand promote" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand promote" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand promote" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand promote" -l no-wait -d 'Stop once the commit is pushed'
complete -c forge -n "__fish_forge_using_subcommand promote" -l force -d 'Replace what someone else deployed to TO while forge was working'
complete -c forge -n "__fish_forge_using_subcommand promote" -l from-anywhere -d 'Take the release from FROM even when it is not upstream of TO along `promoteFrom`'
complete -c forge -n "__fish_forge_using_subcommand promote" -l allow-downgrade -d 'Ship FROM\'s release even when TO runs a newer version (else exit 2: going back is `forge rollback`\'s)'
complete -c forge -n "__fish_forge_using_subcommand promote" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand promote" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand promote" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand promote" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand rollback" -l to -d 'Version to return to [default: the release before the current one]' -r
complete -c forge -n "__fish_forge_using_subcommand rollback" -l bundle -d 'The release\'s bundle, when it is not kept in forge\'s cache (re-verified before use)' -r -F
complete -c forge -n "__fish_forge_using_subcommand rollback" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand rollback" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand rollback" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand rollback" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand rollback" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand rollback" -l no-wait -d 'Stop once the commit is pushed'
complete -c forge -n "__fish_forge_using_subcommand rollback" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand rollback" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand rollback" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand rollback" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand wait" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand wait" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand wait" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand wait" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand wait" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand wait" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand wait" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand wait" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand wait" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -f -a "status" -d 'Where the canary in ENV stands (step, weight, versions)'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -f -a "resume" -d 'Go on with an interrupted canary from the step it is at'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -f -a "abort" -d 'Return ENV to the stable version alone'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -f -a "promote" -d 'Skip the remaining steps: make the canary\'s version the only one now'
complete -c forge -n "__fish_forge_using_subcommand canary; and not __fish_seen_subcommand_from status resume abort promote help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -l bundle -d 'The canary\'s bundle, when it is not kept in forge\'s cache' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -l no-wait -d 'Stop once the commit is pushed'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -l bundle -d 'The canary\'s bundle, when it is not kept in forge\'s cache' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -l no-wait -d 'Stop once the commit is pushed'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from abort" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -l bundle -d 'The canary\'s bundle, when it is not kept in forge\'s cache' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -l timeout -d 'How long to wait for the rollout (e.g. 90s, 5m); default: the env\'s `timeout`, else 5m' -r
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -l context -d 'kubeconfig context to watch (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -l no-wait -d 'Stop once the commit is pushed'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from promote" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from help" -f -a "status" -d 'Where the canary in ENV stands (step, weight, versions)'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Go on with an interrupted canary from the step it is at'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from help" -f -a "abort" -d 'Return ENV to the stable version alone'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from help" -f -a "promote" -d 'Skip the remaining steps: make the canary\'s version the only one now'
complete -c forge -n "__fish_forge_using_subcommand canary; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand status" -l context -d 'kubeconfig context for every env (default: each env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand status" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand status" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand status" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand status" -l check -d 'Exit 3 when an env is not healthy at the version git holds'
complete -c forge -n "__fish_forge_using_subcommand status" -s w -l watch -d 'Keep looking until interrupted: on a terminal the table is redrawn in place; otherwise a new one (or JSON document) is printed each time something changed'
complete -c forge -n "__fish_forge_using_subcommand status" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand status" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand status" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand history" -l limit -d 'Show at most this many entries' -r
complete -c forge -n "__fish_forge_using_subcommand history" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand history" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand history" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand history" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand history" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand history" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand history" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand events" -l since -d 'Only events seen within this long (e.g. 90s, 10m, 1h)' -r
complete -c forge -n "__fish_forge_using_subcommand events" -l context -d 'kubeconfig context to read (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand events" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand events" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand events" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand events" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand events" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand events" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand events" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand logs" -l since -d 'Only lines printed within this long (e.g. 90s, 10m, 1h)' -r
complete -c forge -n "__fish_forge_using_subcommand logs" -l tail -d 'Only the last N lines of each container' -r
complete -c forge -n "__fish_forge_using_subcommand logs" -l context -d 'kubeconfig context to read (default: the env\'s `context`, else the current one)' -r
complete -c forge -n "__fish_forge_using_subcommand logs" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand logs" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand logs" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand logs" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand logs" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand logs" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand logs" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand freeze" -l reason -d 'Why (one line): shown to whoever tries to deploy' -r
complete -c forge -n "__fish_forge_using_subcommand freeze" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand freeze" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand freeze" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand freeze" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand freeze" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand freeze" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand freeze" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand unfreeze" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand keygen" -l out -d 'Path prefix: writes PREFIX.key (encrypted) and PREFIX.pub' -r -F
complete -c forge -n "__fish_forge_using_subcommand keygen" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand keygen" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand keygen" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand keygen" -l force -d 'Replace existing key files'
complete -c forge -n "__fish_forge_using_subcommand keygen" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand keygen" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand keygen" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand keygen" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -f -a "up" -d 'Serve the sandbox\'s Kubernetes API on loopback and write DIR/kubeconfig'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and not __fish_seen_subcommand_from up help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l dir -d 'Directory for kubeconfig, sandbox.json, sandbox.log and (with --tls) ca.crt' -r -F
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l port -d 'Port on 127.0.0.1 (0: any free port)' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l env-repo -d 'Env repo to follow as Flux would [default: envRepo.url of forge.yaml, when there is one]' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l engine -d 'GitOps engine for every app/env [default: per env from forge.yaml, else flux]' -r -f -a "flux\t''
argocd\t''"
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l interval -d 'How often the env repo is fetched' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l bad-image -d 'Images matching this pattern (`*` wildcard) crash-loop (repeatable)' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l unpullable-image -d 'Images matching this pattern cannot be pulled: ImagePullBackOff (repeatable)' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l error-rate -d 'Pods running a matching image fail this share of requests (repeatable), e.g. \'*:1.1.0=0.2\'' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l api-error-rate -d 'Share of API requests answered 500' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l api-throttle-rate -d 'Share of API requests answered 429 with Retry-After' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l reconcile-delay -d 'Report a new revision as in progress this long before applying it' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l drop-watches-after -d 'Cut every watch after this long' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l progress-deadline -d 'How long a rollout may stall before ProgressDeadlineExceeded' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l pod-grace-period -d 'How long a scaled-down pod stays Terminating (a kubelet\'s grace period)' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l controller-lag -d 'How long the deployment controller takes to notice a changed Deployment' -r
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l tls -d 'Serve HTTPS with a CA generated for this run (DIR/ca.crt); the API then wants the kubeconfig\'s bearer token'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l no-bootstrap -d 'Create no Kustomization or Application per app/env directory (a cluster nobody bootstrapped): only those created with kubectl are reconciled'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -l keep -d 'Leave DIR (kubeconfig, log, state) behind on exit [default: removed when this run made it, else its files are]'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "up" -d 'Serve the sandbox\'s Kubernetes API on loopback and write DIR/kubeconfig'
complete -c forge -n "__fish_forge_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand completions" -s C -l config -d 'Path to forge.yaml' -r -F
complete -c forge -n "__fish_forge_using_subcommand completions" -s o -l output -d 'Format of stdout; wide is text with more columns (forge status)' -r -f -a "text\t''
wide\t''
json\t''
yaml\t''"
complete -c forge -n "__fish_forge_using_subcommand completions" -l color -d 'When to use colour on stderr (auto honours NO_COLOR and FORCE_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c forge -n "__fish_forge_using_subcommand completions" -s q -l quiet -d 'Print no progress or status lines (errors and warnings still go to stderr)'
complete -c forge -n "__fish_forge_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug); FORGE_LOG overrides'
complete -c forge -n "__fish_forge_using_subcommand completions" -s y -l yes -d 'Never prompt: accept defaults and confirm protected actions'
complete -c forge -n "__fish_forge_using_subcommand completions" -s h -l help -d 'Print help'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "demo" -d 'Run the whole flow on a built-in sample app and a local sandbox cluster'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "init" -d 'Write a forge.yaml for this project'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "config" -d 'Check or print forge.yaml'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "bundle" -d 'Build, inspect, sign and verify bundles'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "bootstrap" -d 'Print the Flux or Argo CD objects that make the cluster apply each environment'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "render" -d 'Write an environment\'s rendered overlay into a directory'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "diff" -d 'Show what `forge deploy` would change in the env repo'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "deploy" -d 'Commit an environment\'s release to the env repo, wait until it is applied and healthy'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "promote" -d 'Ship what one environment runs to the next, once its gates hold'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "rollback" -d 'Return an environment to an earlier release, with a new commit'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "wait" -d 'Wait until the commit that last changed an environment is applied and healthy'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "canary" -d 'Look at, resume, abort or promote a canary or blue-green release in progress'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "status" -d 'Show each environment: version in git, what is applied, health, drift, blocking gates'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "history" -d 'List the deploys of an environment, from the env repo\'s commit trailers'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "events" -d 'Show the recent Kubernetes events of an environment\'s workloads'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "logs" -d 'Print the pod logs of an environment\'s workloads'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "freeze" -d 'Refuse deploys and promotions into an environment (rollbacks still go), with a reason'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "unfreeze" -d 'Lift an environment\'s freeze'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "keygen" -d 'Create a signing key pair (cosign-compatible)'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "sandbox" -d 'Run a local stand-in cluster with Flux or Argo CD behaviour, for trying forge'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c forge -n "__fish_forge_using_subcommand help; and not __fish_seen_subcommand_from demo init config bundle bootstrap render diff deploy promote rollback wait canary status history events logs freeze unfreeze keygen sandbox completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check forge.yaml; every problem is listed with file:line:col (exit 0 or 2)'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the resolved config: defaults filled in, per-env engine and repo path'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from bundle" -f -a "build" -d 'Pack the app\'s source into a deterministic <app>-<version>.forge.tar.zst'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from bundle" -f -a "inspect" -d 'Show a bundle\'s manifest (after checking every entry)'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from bundle" -f -a "verify" -d 'Check a bundle\'s digests and, given a key, its signature (exit 0, 2 or 6)'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from bundle" -f -a "sign" -d 'Sign a bundle with a key, writing BUNDLE.sigstore.json'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from bundle" -f -a "list" -d 'List the bundles in dist/ and the bundle cache: version, digest, signer, envs running it'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from canary" -f -a "status" -d 'Where the canary in ENV stands (step, weight, versions)'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from canary" -f -a "resume" -d 'Go on with an interrupted canary from the step it is at'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from canary" -f -a "abort" -d 'Return ENV to the stable version alone'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from canary" -f -a "promote" -d 'Skip the remaining steps: make the canary\'s version the only one now'
complete -c forge -n "__fish_forge_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "up" -d 'Serve the sandbox\'s Kubernetes API on loopback and write DIR/kubeconfig'
