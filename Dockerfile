# raftkv image: build with the full Node toolchain, run on the slim image as a non-root user.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY proto ./proto
COPY scripts ./scripts
COPY src ./src
# The product build only (tsconfig.json: src/ without its tests); tests and tools are not shipped.
# The web console is bundled here too (esbuild, a dev dependency) into dist/console.
RUN npm run gen && npx tsc -p tsconfig.json && npm run build:console && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/console ./dist/console
# raftkvctl on the PATH: `docker exec n1 raftkvctl member list -w table`.
RUN printf '#!/bin/sh\nexec node /app/dist/src/bin/raftkvctl.js "$@"\n' > /usr/local/bin/raftkvctl \
 && chmod 755 /usr/local/bin/raftkvctl \
 && mkdir -p /var/lib/raftkv && chown node:node /var/lib/raftkv
USER node
VOLUME ["/var/lib/raftkv"]
EXPOSE 2379 2380
# Configured as etcd's images are, through ETCD_* variables (or flags, which take precedence):
# these defaults, then `docker run -e ETCD_NAME=...` or compose's `environment:` on top.
ENV ETCD_DATA_DIR=/var/lib/raftkv \
    ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379 \
    ETCD_ADVERTISE_CLIENT_URLS=http://127.0.0.1:2379
ENTRYPOINT ["node", "/app/dist/src/bin/raftkv.js"]
