# mindmill tasks. `just` lists them.

export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", env_var("HOME") + "/.cache/mindmill-target")

default:
    @just --list

# Run the built-in baseline scenario (writes outputs/baseline-seed42).
run *ARGS:
    cargo run --release -- run {{ARGS}}

# Install the `mindmill` binary on your PATH (~/.cargo/bin).
install:
    cargo install --locked --path crates/mindmill

# The test suite, as CI runs it.
test:
    cargo test --release --workspace

# What CI runs.
ci:
    bash .ci/run

# Format and lint.
lint:
    cargo fmt --all -- --check
    cargo clippy --release --workspace --all-targets

# Print the baseline's yearly trajectory and tier dynamics.
trajectory:
    cargo run --release -p mindmill-model --example trajectory
