# syntax=docker/dockerfile:1
# Bulwark itself (`bulwark admission serve` and every other command), for the manifests that
# `bulwark admission manifests` prints: build with the Swift toolchain, run on distroless (no shell,
# no package manager, numeric non-root user). Both base images are pinned by digest:
#   swift:6.2 (Ubuntu 24.04, glibc 2.39; 6.2 is the oldest toolchain Hummingbird's manifest accepts)
#   gcr.io/distroless/cc-debian13:nonroot (glibc 2.41 ≥ the build's, libstdc++, libgcc, CA certificates; UID 65532)
# The runtime's glibc must be at least the build image's. These digests were read from public
# Dockerfiles pinning the same tags, not pulled here (no Docker engine on the development machines):
# refresh both together with `docker buildx imagetools inspect IMAGE` before the first build.
#
#   docker build -t bulwark .
#   docker run --rm bulwark scan /work        (mount what to scan)

FROM swift:6.2@sha256:9bea530093ffff8cf6c259991715ee843fe4d0f932e612f7f4b79cca6e00db87 AS build
# The system libraries Bulwark links besides glibc and libstdc++: SQLite (GRDB), zlib, bzip2, xz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev zlib1g-dev libbz2-dev liblzma-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Plugins ./Plugins
COPY Sources ./Sources
# The Swift runtime and Foundation are linked in; the four libraries above are copied next to the
# binary's expected paths, since distroless cc does not ship them.
RUN swift build -c release --static-swift-stdlib --product bulwark \
    && mkdir -p /staging/bin /staging/lib \
    && cp "$(swift build -c release --show-bin-path)/bulwark" /staging/bin/bulwark \
    && for library in libsqlite3.so.0 libz.so.1 libbz2.so.1.0 liblzma.so.5; do \
         cp -L "/usr/lib/x86_64-linux-gnu/$library" /staging/lib/; \
       done

FROM gcr.io/distroless/cc-debian13:nonroot@sha256:54df941ed0d06a1bd95ef5e0ce391fd8d9f94b64782dc9a60062727849ee3f97
LABEL org.opencontainers.image.title="bulwark" \
      org.opencontainers.image.description="Security scanner, admission webhook and runtime guard for ML serving on Kubernetes"
COPY --from=build /staging/lib/ /usr/lib/x86_64-linux-gnu/
COPY --from=build /staging/bin/bulwark /usr/local/bin/bulwark
# distroless' nonroot user, by number so that runAsNonRoot can check it without /etc/passwd.
USER 65532:65532
EXPOSE 8443
# No HEALTHCHECK: the image has no shell or client to run one with; Kubernetes uses the
# Deployment's HTTPS probes on /healthz and /readyz instead.
ENTRYPOINT ["/usr/local/bin/bulwark"]
CMD ["--help"]
