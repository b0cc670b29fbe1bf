// Bundled by wrangler in place of @graphql-yoga/render-graphiql (wrangler.toml [alias]): a worker
// is on the internet, so GraphiQL, where enabled, loads from yoga's CDN rather than a 9 MB inline copy.
export { renderGraphiQL } from 'graphql-yoga'
