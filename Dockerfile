# howlerops-server container image (README "Containers").
# The build stage runs the project's own setup and build, as CI does; the runtime stage
# holds the binary and its runtime libraries only, and runs as a non-root user.
# scripts/check_runtime_libs.sh (a ctest) checks that the list below is exactly the Debian
# packages owning the libraries `ldd` finds in the built binary.

FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh \
 && cmake --preset release \
 && cmake --build --preset release --target howlerops-server

FROM debian:12-slim AS runtime
# runtime-packages-begin
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    libabsl20220623 libb64-0d libboost-container1.81.0 libboost-json1.81.0 \
    libboost-url1.81.0 libbrotli1 libc-ares2 libcom-err2 libcurl4 libffi8 libfmt9 libgmp10 \
    libgnutls30 libgrpc++1.51 libgrpc29 libgssapi-krb5-2 libhogweed6 libidn2-0 libjansson4 \
    libjwt0 libk5crypto3 libkeyutils1 libkrb5-3 libkrb5support0 libldap-2.5-0 libmariadb3 \
    libnettle8 libnghttp2-14 libp11-kit0 libpq5 libprometheus-cpp-core1.0 libprotobuf32 libpsl5 libre2-9 \
    librtmp1 libsasl2-2 libsodium23 libspdlog1.10 libsqlite3-0 libssh2-1 libssl3 libstdc++6 \
    libtasn1-6 libunistring2 libzstd1 zlib1g \
 && rm -rf /var/lib/apt/lists/*
# runtime-packages-end
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/howlerops howlerops
COPY --from=build /src/build/release/src/app/howlerops-server /usr/local/bin/howlerops-server
USER howlerops
WORKDIR /var/lib/howlerops
# Production on one machine by default: a file database in the volume below. Set TURSO_URL
# and TURSO_AUTH_TOKEN for a remote database, and JWT_SECRET and an email transport.
ENV ENVIRONMENT=production \
    SERVER_HOST=0.0.0.0 \
    DATA_DIR=/var/lib/howlerops \
    TURSO_URL=file:/var/lib/howlerops/howlerops.db
VOLUME ["/var/lib/howlerops"]
EXPOSE 8080 9090 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["bash", "-c", \
  "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/howlerops-server"]
CMD ["serve"]
