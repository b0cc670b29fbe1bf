# Comptoir's API on Node 24 LTS: built in one stage, run from compiled JavaScript with only the
# production dependencies, as an unprivileged user.
#   docker build -t comptoir .
#   docker run -p 4000:4000 -e DATABASE_URL=… -e JWT_SECRET=… -e STRIPE_SECRET_KEY=… -e STRIPE_WEBHOOK_SECRET=… comptoir
# One-off tasks use the same image: docker run … comptoir node dist/cli/migrate.js (or jobs.js, import.js).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The code stays root's, so the unprivileged server cannot rewrite it; .data (the embedded
# database and its key, for a demo) is the one folder it may write.
RUN mkdir /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000
# Node's fetch, as the slim image has no curl: ready means migrated, reachable and not shutting down.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node as PID 1 receives SIGTERM itself and drains (npm would stand between).
# V8's heap capped as `npm start` caps it (docs/architecture.md, "Build and run": without a cap, V8
# sized for the host lets garbage reach 330 MB under load before collecting; the live set is ~70 MB).
CMD ["node", "--max-old-space-size=256", "dist/server.js"]
