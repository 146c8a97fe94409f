# Sourced by benches/render.sh and benches/memory.sh (needs REPO, CARGO_TARGET_DIR and log):
# builds forge (release) from the work tree; sets FORGE (the binary) and FORGE_REV (the
# commit, flagged when the tree has uncommitted changes).
FORGE_REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$REPO" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    FORGE_REV+=" + uncommitted changes"
fi
log "building forge $FORGE_REV (release) in $CARGO_TARGET_DIR"
cargo build --release --locked --quiet --manifest-path "$REPO/Cargo.toml" --bin forge >&2
FORGE="$CARGO_TARGET_DIR/release/forge"
