import type { GraphiQLOptions } from 'graphql-yoga'

/**
 * GraphiQL with its whole bundle inlined from the installed @graphql-yoga/render-graphiql, where
 * yoga's default page loads it from a CDN and stays on "Loading…" without internet. The bundle
 * (9 MB) is loaded on the first visit, of no use to a server without GraphiQL, and the page is
 * rendered once: a server's options never change.
 */
export function localGraphiQL(): (options: GraphiQLOptions) => Promise<string> {
  let page: Promise<string> | null = null
  return (options) => {
    page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options))
    return page
  }
}
