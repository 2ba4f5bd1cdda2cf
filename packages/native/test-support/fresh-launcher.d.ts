/** The repository's native/ directory (resolved from this file, never from an absolute path). */
export declare const nativeSourceDir: string;
/**
 * Builds the launcher from native/ with `make` (a no-op when it is up to date) and returns the
 * binary's path, serialised with flock. Kept for the suites that import it; new code should use
 * `buildLauncherFromSource` from `@nemoclaw/native`.
 */
export declare function buildFreshLauncher(): string;
//# sourceMappingURL=fresh-launcher.d.ts.map
