/** Where the repository lives, as resolved from DATABASE_URL, config/repo.json or the embedded default. */
export type RepoSettings =
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string; readonly poolSize?: number }
  | { readonly kind: 'embedded'; readonly dataDir: string };
