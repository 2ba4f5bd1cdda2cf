/** OpenClaw ships no declarations for this subpath; the plugin only calls registerSandboxBackend. */
declare module 'openclaw/plugin-sdk/sandbox' {
  export function registerSandboxBackend(
    id: string,
    registration: {
      factory: (
        params: import('./openclaw-types.js').SandboxBackendFactoryParams,
      ) => Promise<import('./openclaw-types.js').SandboxBackendHandle>;
    },
  ): () => void;
}
