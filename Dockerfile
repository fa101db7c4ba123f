# syntax=docker/dockerfile:1
#
# The day2 image: one static binary (musl) on distroless/static, running as
# the unprivileged user 65532. The same image serves the CLI and the
# in-cluster agent (`day2 agent`, deploy/helm/day2-agent).
#
#   docker build -t ghcr.io/day2-dev/day2:0.1.0 .
#   docker run --rm ghcr.io/day2-dev/day2:0.1.0 demo

ARG RUST_VERSION=1.89

FROM rust:${RUST_VERSION}-alpine AS build
# musl-dev: the C runtime ring and mimalloc link against.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# A static, release binary; symbols stripped, line tables kept out of the
# image. The caches keep the registry and target/ between builds.
ENV CARGO_PROFILE_RELEASE_STRIP=symbols \
    CARGO_PROFILE_RELEASE_DEBUG=false \
    RUSTFLAGS="-C target-feature=+crt-static"
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p day2 --bin day2 \
    && install -D -m 0755 target/release/day2 /out/day2 \
    && /out/day2 --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/day2 /usr/local/bin/day2
# distroless "nonroot": uid and gid 65532, as the chart's securityContext.
USER 65532:65532
EXPOSE 9090
ENTRYPOINT ["/usr/local/bin/day2"]
CMD ["agent", "--listen", "0.0.0.0:9090"]
